/**
 * The fleet benchmark's quick mode: our side for a fleet of 2 through the engine harness, against the emulator
 * with Cloudflare's rate limit enforced and a token per step, as `npm run bench` runs it for 10, 100 and 300.
 */
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { runOurs } from "../../bench/fleet/ours";
import { resultsTable, rows } from "../../bench/fleet/report";
import { STEPS } from "../../bench/fleet/steps";
import { assertPackageBuilt } from "../engine/paths";
import { ACCOUNT, useEmulator } from "../support";

const N = 2;
const tokens = STEPS.map((_, i) => `quick-${i}`);

describe("the fleet benchmark, quick mode", () => {
  const emulator = useEmulator({
    latencyMs: 5,
    rateLimit: { requests: 1_200, windowMs: 300_000 },
    tokens: [DEFAULT_EMULATOR_TOKEN, ...tokens],
  });
  beforeAll(() => assertPackageBuilt());

  it("runs every step with the calls each needs, no call on a no-op and no 429, and reports the limit of each figure", async () => {
    const run = await runOurs({
      emulator,
      accountId: ACCOUNT,
      n: N,
      tokenFor: (i) => tokens[i]!,
      prefix: "quick",
    });
    expect(run.steps.map((s) => [s.step, s.calls.total, s.rateLimited, s.problems])).toEqual([
      ["create", 5 * N + 1, 0, []], // per Worker a fresh existence check (never a cached listing), then one write per resource; the account's workers.dev subdomain once (the url outputs)
      ["no-op up", 0, 0, []],
      ["code change", N, 0, []],
      ["secret rotation", N, 0, []],
      ["drift check", 2 + 3 * N, 0, []], // a refresh's reads, then a preview that finds nothing to change
      ["refresh", 2 + 3 * N, 0, []], // the listing (scripts' etags, script settings) and the account's workers.dev subdomain, then settings, secrets list, subdomain per Worker
      ["destroy", 4 * N, 0, []],
    ]);
    const table = resultsTable(rows({ ours: [run], wrangler: [], cli: [], latencyMs: 5, parallel: 8 }));
    expect(table.split("\n")).toHaveLength(1 + STEPS.length);
    expect(table).toMatch(/^no-op up\s+2\s+\S+ s\s+0\s+CPU/m);
    expect(run.steps.every((s) => (s.hostPeakMiB ?? 0) > 0)).toBe(true);
  }, 180_000);
});
