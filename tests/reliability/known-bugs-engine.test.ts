/**
 * The lost-create bug as a user met it through `pulumi up` (the next up stopped at the Worker with "already
 * exists … set adopt: true", leaving an orphan), now fixed; see known-bugs.test.ts for the provider level.
 */
import * as path from "node:path";
import { DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator } from "../../emulator";
import { Engine } from "../engine/harness";
import { disagreements } from "./engine-consistency";
import { ACCOUNT, fault } from "./helpers";

const PROGRAM = path.join(__dirname, "../../examples/worker-with-bindings/index.ts");
const secretConfig = { apiToken: "known-bugs-engine-secret" };

let emulator: Emulator;
let engine: Engine;
beforeAll(async () => {
  emulator = await startEmulator();
}, 30_000);
afterAll(async () => {
  await emulator?.close();
});
beforeEach(async () => {
  emulator.reset();
  engine = await Engine.start({
    env: { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN, CLOUDFLARE_ACCOUNT_ID: ACCOUNT },
  });
}, 60_000);
afterEach(async () => {
  await engine?.close();
});

/** `pulumi up` whose Worker upload is applied every time but never acknowledged (all five attempts). */
async function upWithEveryUploadAnswerLost(): Promise<void> {
  emulator.injectFault(fault("response lost (applied, then reset)", /\/workers\/scripts\/hello-api$/, 5, "PUT"));
  const report = await engine.up(PROGRAM, { secretConfig });
  expect(report.ok).toBe(false);
  expect(report.outcomes.find((o) => o.name === "api")!.error).toMatch(/PUT .*\/workers\/scripts\/hello-api/);
}

describe("known bugs through the engine: an up whose Worker upload answers were all lost", () => {
  it("the next up converges: no orphan, every resource created", async () => {
    await upWithEveryUploadAnswerLost();
    const next = await engine.up(PROGRAM, { secretConfig });
    expect(next.ok).toBe(true);
    expect(await disagreements(engine, emulator)).toEqual([]);
  }, 90_000);
});
