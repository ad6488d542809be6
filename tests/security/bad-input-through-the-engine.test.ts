/**
 * What a user sees for malformed input in `pulumi preview` and `pulumi up`: a check failure naming the
 * resource and the property, and not a single request sent to the API.
 */
import * as path from "node:path";
import { Engine } from "../engine/harness";
import { emulatorEnv, useEmulator } from "../support";

const PROGRAM = path.join(__dirname, "fixtures/bad-input-program.ts");
const SECRET = "bad-input-secret-value-42";

const emulator = useEmulator({ keepState: true });
let engine: Engine;
beforeAll(async () => {
  engine = await Engine.start({ env: emulatorEnv(emulator) });
}, 60_000);
afterAll(async () => {
  await engine?.close();
});

/** [label, config, failing resource, property, requests that would carry the bad input]. */
const CASES: [label: string, config: Record<string, string>, resource: string, property: string, its: RegExp][] = [
  ["a script name with a path trick", { scriptName: "../admin" }, "worker", "scriptName", /./],
  ["a script name with CR/LF", { scriptName: "api\r\nX-Injected: 1" }, "worker", "scriptName", /./],
  ["a module name with a path trick", { moduleName: "../../etc/passwd.js" }, "worker", "modules", /./],
  ["an unknown binding type", { bindingType: "plain_txt" }, "worker", "bindings", /./],
  ["a secret name with a slash", { secretName: "a/b" }, "secret", "name", /\/secrets/],
  ["a tag with a comma", { tag: "a,b" }, "settings", "tags", /\/script-settings/],
];

describe("malformed input through the engine", () => {
  afterEach(async () => {
    await engine.destroy();
  }, 60_000);

  it.each(CASES)(
    "%s: preview and up stop at check naming the property, and nothing is sent for it",
    async (_label, config, resource, property, its) => {
      emulator.clearRequests();
      for (const run of [engine.preview.bind(engine), engine.up.bind(engine)]) {
        const report = await run(PROGRAM, { config, secretConfig: { secret: SECRET } });
        expect(report.ok).toBe(false);
        const failed = report.outcomes.find((o) => o.failures && o.failures.length > 0)!;
        expect(failed.name).toBe(resource);
        expect(failed.failures!.map((f) => f.property)).toContain(property);
        expect(JSON.stringify(report)).not.toContain(SECRET);
      }
      // Not one request for the resource with the bad input (the Worker itself is valid in the secret and tag cases).
      expect(emulator.requests.filter((r) => its.test(r.path)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
      expect([...engine.state.values()].filter((r) => r.custom).map((r) => r.name)).not.toContain(resource);
    },
    60_000,
  );
});
