/** The harness schedules steps as the engine does: independent ones at once (up to `parallel`), dependents after what they use. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Engine } from "./harness";
import { DEFAULT_PARALLEL } from "./engine";

const PROGRAM = path.join(__dirname, "fixtures", "parallel-program.ts");
const LEAVES = 6;
const DELAY_MS = 400;

interface Entry {
  op: "create" | "delete";
  name: string;
  phase: "start" | "end";
  at: number;
}

function readLog(file: string): Entry[] {
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as Entry)
    : [];
}

/** The most operations of `op` in progress at once. */
function mostAtOnce(entries: Entry[], op: Entry["op"]): number {
  let now = 0;
  let most = 0;
  for (const e of entries.filter((x) => x.op === op)) {
    now += e.phase === "start" ? 1 : -1;
    most = Math.max(most, now);
  }
  return most;
}

const at = (entries: Entry[], op: Entry["op"], name: string, phase: Entry["phase"]) =>
  entries.find((e) => e.op === op && e.name === name && e.phase === phase)!.at;

describe("the harness's step scheduling", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-parallel-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("defaults to the Pulumi CLI's parallelism, 4 × the CPUs", () => {
    expect(DEFAULT_PARALLEL).toBe(4 * os.availableParallelism());
  });

  it("creates independent resources at once, after the one they depend on, and deletes dependents first, at once", async () => {
    const log = path.join(dir, "log.jsonl");
    const engine = await Engine.start({ parallel: 8 });
    try {
      const created = await engine.up(PROGRAM, { config: { count: String(LEAVES), delayMs: String(DELAY_MS), log } });
      expect(created.ok).toBe(true);
      // Reported in registration order, whatever order the steps finished in.
      expect(created.outcomes.map((o) => o.name)).toEqual(["root", ...Array.from({ length: LEAVES }, (_, i) => `leaf-${i}`)]);
      let entries = readLog(log);
      expect(mostAtOnce(entries, "create")).toBe(LEAVES);
      for (let i = 0; i < LEAVES; i++)
        expect(at(entries, "create", `leaf-${i}`, "start")).toBeGreaterThanOrEqual(at(entries, "create", "root", "end"));

      const destroyed = await engine.destroy();
      expect(destroyed.ok).toBe(true);
      entries = readLog(log);
      expect(mostAtOnce(entries, "delete")).toBe(LEAVES);
      for (let i = 0; i < LEAVES; i++)
        expect(at(entries, "delete", "root", "start")).toBeGreaterThanOrEqual(at(entries, "delete", `leaf-${i}`, "end"));
      expect(destroyed.outcomes.at(-1)!.name).toBe("root");
    } finally {
      await engine.close();
    }
  }, 120_000);

  it("never runs more steps at once than `parallel`", async () => {
    const log = path.join(dir, "log.jsonl");
    const engine = await Engine.start({ parallel: 2 });
    try {
      expect((await engine.up(PROGRAM, { config: { count: String(LEAVES), delayMs: String(DELAY_MS), log } })).ok).toBe(true);
      expect((await engine.destroy()).ok).toBe(true);
      const entries = readLog(log);
      expect(mostAtOnce(entries, "create")).toBe(2);
      expect(mostAtOnce(entries, "delete")).toBe(2);
    } finally {
      await engine.close();
    }
  }, 120_000);
});
