import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { captureProgram, Engine, makeProjectDir, PACKAGE_NAME, SECRET_SIG, type ProjectDir, type StepReport } from "./harness";
import { editToyWorld, installToyProvider, readToyWorld, TOY_PROGRAM } from "./fixtures/toy";

const BASE = "urn:pulumi:dev::engine-test::pulumi-nodejs:dynamic/toy:Item::base";
const CHILD = "urn:pulumi:dev::engine-test::pulumi-nodejs:dynamic/toy:Item::child";
const EXTRA = "urn:pulumi:dev::engine-test::pulumi-nodejs:dynamic/toy:Item::extra";
const PASSWORD = "hunter2-correct-horse";

function ops(report: StepReport): Record<string, string> {
  return Object.fromEntries(report.outcomes.map((o) => [o.name, o.op]));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("makeProjectDir", () => {
  it("lays out a project whose node_modules resolves the package and @pulumi/pulumi, and cleanup removes it", () => {
    const project = makeProjectDir({ requireBuild: false });
    const resolveFromProject = (id: string): string => require.resolve(id, { paths: [project.dir] });
    expect(fs.realpathSync(resolveFromProject(`${PACKAGE_NAME}/package.json`))).toBe(
      fs.realpathSync(path.join(__dirname, "..", "..", "package.json")),
    );
    expect(fs.existsSync(path.join(project.dir, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js"))).toBe(true);
    expect(fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8")).toContain("runtime: nodejs");
    project.cleanup();
    expect(fs.existsSync(project.dir)).toBe(false);
  });

  it("refuses a package without dist/ and says to run the build", () => {
    const fakeRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-unbuilt-"));
    try {
      fs.writeFileSync(path.join(fakeRoot, "package.json"), JSON.stringify({ name: PACKAGE_NAME }));
      expect(() => makeProjectDir({ packageRoot: fakeRoot })).toThrow(/is not built .*npm run -s build/);
    } finally {
      fs.rmSync(fakeRoot, { recursive: true, force: true });
    }
  });
});

describe("captureProgram", () => {
  it("captures each registration with the real serialized __provider, secret input keys, dependencies and options", async () => {
    const registrations = await captureProgram(TOY_PROGRAM, {
      config: { value: "v1" },
      secretConfig: { password: PASSWORD },
      mockOutputs: (registration) => ({ ...registration.inputs, itemId: `${registration.name}-item-id` }),
    });
    expect(registrations.map((r) => r.urn)).toEqual([BASE, CHILD]);
    const [base, child] = registrations;
    expect(base!.type).toBe("pulumi-nodejs:dynamic/toy:Item");
    expect(base!.inputs).toMatchObject({ name: "base-item", value: "v1", password: PASSWORD });
    expect(base!.inputs.__provider).toEqual(expect.stringContaining('require("toy-dynamic-provider").item.create(inputs)'));
    expect(base!.secretKeys).toEqual(["password"]);
    expect(base!.additionalSecretOutputs).toEqual(["fingerprint"]);
    expect(child!.secretKeys).toEqual([]);
    expect(child!.inputs.owner).toBe("base-item-id");
    expect(child!.dependencies).toEqual([BASE]);
  });

  it("reports the program's own error with its output", async () => {
    await expect(captureProgram(TOY_PROGRAM, { config: {}, secretConfig: { password: PASSWORD } })).rejects.toThrow(
      /Missing required configuration variable 'engine-test:value'/,
    );
  });
});

describe("Engine driving the real dynamic-provider host (toy provider)", () => {
  let project: ProjectDir;
  let engine: Engine;
  let world: string;
  const config = { value: "v1" };
  const secretConfig = { password: PASSWORD };
  let seen = 0;
  /** Provider calls that reached the toy "cloud" since the last time this was called. */
  const newCalls = (): string[] => {
    const calls = readToyWorld(world).calls;
    const fresh = calls.slice(seen);
    seen = calls.length;
    return fresh;
  };

  beforeAll(async () => {
    project = makeProjectDir({ requireBuild: false });
    installToyProvider(project.dir);
    world = path.join(project.dir, "toy-world.json");
    // One host for the whole sequence (restarted only when the config changes) keeps this suite fast;
    // the per-command default is checked below.
    engine = await Engine.start({
      projectDir: project.dir,
      env: { TOY_STATE_FILE: world },
      stackConfig: { "toy:region": "eu-test" },
      hostPerCommand: false,
    });
  });
  afterAll(async () => {
    await engine?.close();
    project?.cleanup();
  });

  it("up creates every resource, dependencies first, and keeps outputs with __provider as state", async () => {
    const report = await engine.up(TOY_PROGRAM, { config, secretConfig });
    expect(report.ok).toBe(true);
    expect(report.outcomes.map((o) => [o.name, o.op])).toEqual([
      ["base", "create"],
      ["child", "create"],
    ]);
    expect(newCalls()).toEqual(["create base-item item-1", "create child-item item-2"]);
    const base = engine.state.get(BASE)!;
    const child = engine.state.get(CHILD)!;
    expect(base.id).toBe("item-1");
    expect(base.outputs).toMatchObject({ name: "base-item", value: "v1", itemId: "item-1", fingerprint: `fp:${PASSWORD}` });
    expect(base.outputs.__provider).toBe(base.inputs.__provider);
    expect(child.inputs.owner).toBe("item-1");
    expect(child.dependencies).toEqual([BASE]);
    expect(engine.hostStartMs).toBeGreaterThan(0);
  });

  it("Configure hands the provider the whole stack config under namespaced keys", () => {
    expect(readToyWorld(world).configured).toEqual({ region: "eu-test", value: "v1" });
  });

  it("a second up with no change is all same and makes no provider write", async () => {
    const report = await engine.up(TOY_PROGRAM, { config, secretConfig });
    expect(report.ok).toBe(true);
    expect(ops(report)).toEqual({ base: "same", child: "same" });
    expect(newCalls()).toEqual([]);
  });

  it("marks as secret the outputs of secret inputs and of additionalSecretOutputs, and stateText never shows them", () => {
    expect(engine.state.get(BASE)!.secretOutputKeys).toEqual(["fingerprint", "password"]);
    expect(engine.state.get(CHILD)!.secretOutputKeys).toEqual([]);
    const text = engine.stateText();
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain(SECRET_SIG);
    const checkpoint = JSON.parse(text) as { checkpoint: { latest: { resources: { urn: string; outputs: Record<string, unknown> }[] } } };
    const baseOutputs = checkpoint.checkpoint.latest.resources.find((r) => r.urn === BASE)!.outputs;
    expect(baseOutputs.fingerprint).toEqual(expect.objectContaining({ ciphertext: expect.stringMatching(/^v1:/) }));
    expect(baseOutputs.value).toBe("v1");
  });

  it("preview plans a config change as an update without calling the provider or changing state", async () => {
    const before = engine.stateText();
    const report = await engine.preview(TOY_PROGRAM, { config: { value: "v2" }, secretConfig });
    expect(report.outcomes.find((o) => o.urn === BASE)).toMatchObject({ op: "update", changedKeys: ["value"] });
    // As in a real preview, outputs that are not inputs are unknown after a planned update, so the child's
    // owner (base.itemId) is unknown and the child is planned as an update too.
    expect(report.outcomes.find((o) => o.urn === CHILD)).toMatchObject({ op: "update", changedKeys: ["owner"] });
    expect(newCalls()).toEqual([]);
    expect(engine.stateText()).toBe(before);
  });

  it("a config change updates in place and reports the changed keys", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { value: "v2" }, secretConfig });
    expect(report.ok).toBe(true);
    expect(report.outcomes.find((o) => o.urn === BASE)).toMatchObject({ op: "update", changedKeys: ["value"] });
    expect(ops(report).child).toBe("same");
    expect(newCalls()).toEqual(["update base-item item-1"]);
    expect(engine.state.get(BASE)!.outputs.value).toBe("v2");
  });

  it("a change to a replace key replaces: the replacement is created, dependents updated, then the old one deleted", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { value: "v2", baseName: "renamed" }, secretConfig });
    expect(report.ok).toBe(true);
    expect(report.outcomes.find((o) => o.urn === BASE)).toMatchObject({
      op: "replace",
      replaceKeys: ["name"],
      changedKeys: ["name"],
      deleteBeforeReplace: false,
    });
    expect(report.outcomes.find((o) => o.urn === CHILD)).toMatchObject({ op: "update", changedKeys: ["owner"] });
    expect(newCalls()).toEqual(["create renamed item-3", "update child-item item-2", "delete base-item item-1"]);
    expect(engine.state.get(BASE)!.id).toBe("item-3");
    expect(engine.stateText()).not.toContain("item-1");
  });

  const withExtra = { value: "v2", baseName: "renamed", extra: "yes" };

  it("a create that fails after the object exists keeps it in state with its id (ErrorResourceInitFailed)", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { ...withExtra, extraValue: "half" }, secretConfig });
    expect(report.ok).toBe(false);
    expect(report.outcomes.find((o) => o.urn === EXTRA)).toMatchObject({
      op: "create",
      error: "toy: item item-4 was created but did not initialise",
    });
    expect(newCalls()).toEqual(["create extra-item item-4"]);
    expect(engine.state.get(EXTRA)).toMatchObject({ id: "item-4", outputs: { value: "half", itemId: "item-4" } });
  });

  it("deleteBeforeReplace deletes the old resource before creating its replacement", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { ...withExtra, extraName: "extra-2", dbr: "yes" }, secretConfig });
    expect(report.ok).toBe(true);
    expect(report.outcomes.find((o) => o.urn === EXTRA)).toMatchObject({
      op: "replace",
      changedKeys: ["name", "value"],
      replaceKeys: ["name"],
      deleteBeforeReplace: true,
    });
    expect(newCalls()).toEqual(["delete extra-item item-4", "create extra-2 item-5"]);
  });

  it("a failing program deletes nothing it dropped, and reports the program's error", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { value: "v2", baseName: "renamed", fail: "yes" }, secretConfig });
    expect(report.ok).toBe(false);
    expect(report.programErrors.join("\n")).toContain("toy program: failing on purpose");
    expect(report.outcomes.some((o) => o.op === "delete")).toBe(false);
    expect(newCalls()).toEqual([]);
    expect(engine.state.has(EXTRA)).toBe(true);
  });

  it("a resource dropped from the program is deleted", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { value: "v2", baseName: "renamed" }, secretConfig });
    expect(report.ok).toBe(true);
    expect(ops(report)).toEqual({ base: "same", child: "same", extra: "delete" });
    expect(newCalls()).toEqual(["delete extra-2 item-5"]);
    expect(engine.state.has(EXTRA)).toBe(false);
  });

  it("Check failures come back as {property, reason} and nothing is written", async () => {
    const before = engine.stateText();
    const report = await engine.up(TOY_PROGRAM, { config: { value: "", baseName: "renamed" }, secretConfig });
    expect(report.ok).toBe(false);
    expect(report.outcomes.find((o) => o.urn === BASE)).toMatchObject({
      failures: [{ property: "value", reason: "value must be a non-empty string" }],
    });
    expect(newCalls()).toEqual([]);
    expect(engine.stateText()).toBe(before);
  });

  it("an Update error is reported on the resource's outcome and the old state is kept", async () => {
    const report = await engine.up(TOY_PROGRAM, { config: { value: "explode", baseName: "renamed" }, secretConfig });
    expect(report.ok).toBe(false);
    expect(report.outcomes.find((o) => o.urn === BASE)).toMatchObject({
      op: "update",
      error: "toy: the value explode cannot be stored",
    });
    expect(engine.state.get(BASE)!.outputs.value).toBe("v2");
    expect(newCalls()).toEqual([]);
  });

  it("refresh reads an out-of-band change into state; preview then shows the drift and up repairs it", async () => {
    editToyWorld(world, (w) => (w.items["item-3"]!.value = "tampered"));
    const refreshed = await engine.refresh();
    expect(refreshed.ok).toBe(true);
    expect(refreshed.outcomes.find((o) => o.urn === BASE)).toMatchObject({ op: "read", changedKeys: ["value"] });
    expect(refreshed.outcomes.find((o) => o.urn === CHILD)).toMatchObject({ op: "read", changedKeys: [] });
    expect(engine.state.get(BASE)!.outputs.value).toBe("tampered");
    expect(engine.state.get(BASE)!.secretOutputKeys).toEqual(["fingerprint", "password"]);
    expect(newCalls()).toEqual(["read item-3", "read item-2"]);

    const planned = await engine.preview(TOY_PROGRAM, { config: { value: "v2", baseName: "renamed" }, secretConfig });
    expect(planned.outcomes.find((o) => o.urn === BASE)).toMatchObject({ op: "update", changedKeys: ["value"] });

    const repaired = await engine.up(TOY_PROGRAM, { config: { value: "v2", baseName: "renamed" }, secretConfig });
    expect(ops(repaired)).toEqual({ base: "update", child: "same" });
    expect(newCalls()).toEqual(["update renamed item-3"]);
    expect(readToyWorld(world).items["item-3"]!.value).toBe("v2");
  });

  it("refresh drops a resource deleted out of band, and the next up creates it again", async () => {
    editToyWorld(world, (w) => delete w.items["item-2"]);
    const refreshed = await engine.refresh();
    expect(ops(refreshed)).toEqual({ base: "read", child: "gone" });
    expect(engine.state.has(CHILD)).toBe(false);
    newCalls();
    const report = await engine.up(TOY_PROGRAM, { config: { value: "v2", baseName: "renamed" }, secretConfig });
    expect(ops(report)).toEqual({ base: "same", child: "create" });
    expect(newCalls()).toEqual(["create child-item item-6"]);
  });

  it("destroy deletes dependents before what they depend on and empties the state", async () => {
    const report = await engine.destroy();
    expect(report.ok).toBe(true);
    expect(report.outcomes.map((o) => [o.name, o.op])).toEqual([
      ["child", "delete"],
      ["base", "delete"],
    ]);
    expect(newCalls()).toEqual(["delete child-item item-6", "delete renamed item-3"]);
    expect(engine.state.size).toBe(0);
    expect(readToyWorld(world).items).toEqual({});
  });

  it("restarted the host whenever the stack config changed, since Configure reaches a provider once per process", () => {
    expect(engine.hostStartTimes.length).toBeGreaterThanOrEqual(8);
  });
});

describe("Engine lifecycle", () => {
  it("starts a fresh host for each command by default, as each pulumi command does", async () => {
    const engine = await Engine.start({ requireBuild: false });
    try {
      const started = engine.hostPid;
      expect((await engine.refresh()).ok).toBe(true);
      // The first command uses the host start() made; every later one gets its own.
      expect(engine.hostPid).toBe(started);
      expect((await engine.destroy()).ok).toBe(true);
      expect(engine.hostPid).not.toBe(started);
      expect(isRunning(started!)).toBe(false);
      expect(engine.hostStartTimes).toHaveLength(2);
    } finally {
      await engine.close();
    }
  });

  it("close() ends the host process and removes the project folder the engine made", async () => {
    const engine = await Engine.start({ requireBuild: false });
    const pid = engine.hostPid!;
    const dir = engine.projectDir;
    expect(isRunning(pid)).toBe(true);
    expect(fs.existsSync(dir)).toBe(true);
    await engine.close();
    expect(isRunning(pid)).toBe(false);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("close() stops a command in flight: the program child is killed and the command rejects", async () => {
    const engine = await Engine.start({ requireBuild: false });
    const pending = engine.up(path.join(__dirname, "fixtures", "hanging-program.ts"));
    const outcome = pending.then(
      () => "resolved",
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const started = performance.now();
    await engine.close();
    expect(await outcome).toMatch(/was stopped \(engine closed\)/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("a provider that needs an unbuilt package fails with a build hint instead of a bare module error", async () => {
    const fakeRoot = fs.mkdtempSync(path.join(os.tmpdir(), "pcw-unbuilt-"));
    fs.writeFileSync(
      path.join(fakeRoot, "package.json"),
      JSON.stringify({ name: PACKAGE_NAME, exports: { "./provider": "./dist/provider/index.js" } }),
    );
    const project = makeProjectDir({ packageRoot: fakeRoot, requireBuild: false });
    const engine = await Engine.start({ projectDir: project.dir });
    try {
      const report = await engine.up(path.join(__dirname, "fixtures", "needs-build-program.ts"));
      expect(report.ok).toBe(false);
      expect(report.outcomes[0]).toMatchObject({ op: "create", error: expect.stringContaining("npm run -s build") });
    } finally {
      await engine.close();
      project.cleanup();
      fs.rmSync(fakeRoot, { recursive: true, force: true });
    }
  });
});
