/**
 * Storms through the providers that are waited out in real time: 429 with Retry-After, and the secrets
 * endpoint's "too many requests modifying the script".
 */
import { ACCOUNT, useEmulator } from "../support";
import { fault, secretsBusy, takeCalls, world } from "./helpers";
import { checked, code, NAME, providers } from "./lifecycle";

const emulator = useEmulator();
const P = providers();
const figures = { faultsServed: 0 };

afterAll(() => {
  console.log(`provider-storms figures: ${JSON.stringify(figures)}`);
});

describe("storms waited out", () => {
  const worker = { accountId: ACCOUNT, scriptName: NAME, content: code(1), compatibilityDate: "2025-09-01" };

  it("a 429 storm with Retry-After: 1 on the upload is waited out, and the Worker is uploaded once it passes", async () => {
    emulator.injectFault(fault("429 Retry-After 1", /\/workers\/scripts\/[^/]+$/, 3, "PUT"));
    const started = performance.now();
    const created = await P.script.create(await checked(P.script, worker));
    const elapsed = performance.now() - started;
    expect(created.id).toBe(`${ACCOUNT}/${NAME}`);
    expect(takeCalls(emulator).filter((c) => c.startsWith("PUT"))).toEqual([
      `PUT /workers/scripts/${NAME} (429)`,
      `PUT /workers/scripts/${NAME} (429)`,
      `PUT /workers/scripts/${NAME} (429)`,
      `PUT /workers/scripts/${NAME}`,
    ]);
    // Each Retry-After of one second was honoured (and not much more).
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
    expect(elapsed).toBeLessThan(6_000);
    expect(Object.keys(await world(emulator))).toEqual([NAME]);
    figures.faultsServed += 3;
  }, 30_000);

  it("a secrets PUT answered 429 'too many requests modifying the script' is retried until the secret is set", async () => {
    await P.script.create(await checked(P.script, worker));
    emulator.clearRequests();
    emulator.injectFault(secretsBusy(2, "1"));
    emulator.injectFault(secretsBusy(1));
    const secret = await P.secret.create(await checked(P.secret, { scriptName: NAME, name: "API_TOKEN", text: "value-1" }));
    expect(secret.id).toBe(`${ACCOUNT}/${NAME}/secrets/API_TOKEN`);
    expect(takeCalls(emulator).filter((c) => c.startsWith("PUT"))).toEqual([
      `PUT /workers/scripts/${NAME}/secrets (429)`,
      `PUT /workers/scripts/${NAME}/secrets (429)`,
      `PUT /workers/scripts/${NAME}/secrets (429)`,
      `PUT /workers/scripts/${NAME}/secrets`,
    ]);
    expect((await world(emulator))[NAME]!.secrets).toEqual(["API_TOKEN"]);
    figures.faultsServed += 3;
  }, 30_000);
});
