/**
 * Storms through the providers: long enough to be waited out (429 with Retry-After, the secrets endpoint's
 * "too many requests modifying the script"), or longer than the retries, where the step fails with a clear
 * error and nothing is left half-applied in silence.
 */
import type { Emulator } from "../../emulator";
import { CloudflareApiError } from "../../provider/cloudflare";
import { newRun, startTestEmulator } from "../resources/helpers";
import { ACCOUNT, fault, secretsBusy, takeCalls, world } from "./helpers";
import { checked, code, NAME, providers as P } from "./lifecycle";

let emulator: Emulator;
const figures = { faultsServed: 0 };

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  console.log(`provider-storms figures: ${JSON.stringify(figures)}`);
});
beforeEach(() => {
  emulator.reset();
  newRun();
});

describe("storms and exhausted retries", () => {
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

  it.each([
    ["503 HTML", 503],
    ["502 HTML", 502],
    ["10013 transient", 500],
  ] as const)("a %s storm longer than the retries fails the create with a short, clear error and creates nothing", async (weather, status) => {
    emulator.injectFault(fault(weather, /\/workers\/scripts\/[^/]+$/, 10, "PUT"));
    const error = await P.script.create(await checked(P.script, worker)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareApiError);
    const e = error as CloudflareApiError;
    expect(e.code).toBe("CF_SERVER");
    expect(e.status).toBe(status);
    expect(e.attempts).toBe(5);
    expect(e.message).toContain(String(status));
    expect(e.message).toContain(NAME);
    expect(e.message).not.toMatch(/<html|<!DOCTYPE|<style|padding/i);
    expect(e.message.length).toBeLessThan(800);
    expect(takeCalls(emulator).filter((c) => c.startsWith("PUT"))).toHaveLength(5);
    expect(await world(emulator)).toEqual({});
    figures.faultsServed += 5;
  }, 30_000);

  it("connection resets on every attempt fail the create with a network error naming the request, and create nothing", async () => {
    emulator.injectFault(fault("connection reset", /\/workers\/scripts\/[^/]+$/, 10, "PUT"));
    const error = (await P.script.create(await checked(P.script, worker)).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(error.code).toBe("CF_NETWORK");
    expect(error.message).toContain(`/workers/scripts/${NAME}`);
    expect(takeCalls(emulator).filter((c) => c.startsWith("PUT"))).toEqual(Array(5).fill(`PUT /workers/scripts/${NAME} (dropped)`));
    expect(await world(emulator)).toEqual({});
    figures.faultsServed += 5;
  }, 30_000);

  it("an update whose settings PATCH keeps failing leaves the old outputs in Pulumi, and the same update run again converges", async () => {
    const w1 = await checked(P.script, { ...worker, bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }] });
    const created = await P.script.create(w1);
    const w2 = await checked(P.script, { ...worker, content: code(2), bindings: [{ type: "plain_text", name: "GREETING", text: "bonjour" }] }, w1);
    emulator.injectFault(fault("503 HTML", /\/settings$/, 10, "PATCH"));
    newRun();
    await expect(P.script.update(created.id, created.outs!, w2)).rejects.toThrow(/503/);
    // Half-applied: the code went out, the binding did not. Pulumi keeps the old outputs, so the next diff
    // still sees both changes and the next update sends both.
    expect((await world(emulator))[NAME]!.bindings).toEqual(["plain_text:GREETING=hello"]);
    expect((await P.script.diff(created.id, created.outs!, w2)).changes).toBe(true);
    emulator.reset();
    await P.script.create(w1); // the emulator was reset: put the half-applied world back
    await P.script.update(created.id, created.outs!, { ...w2 });
    expect((await world(emulator))[NAME]!.bindings).toEqual(["plain_text:GREETING=bonjour"]);
    figures.faultsServed += 5;
  }, 30_000);

  it("a refresh under a 503 storm fails instead of reporting the Worker gone", async () => {
    const created = await P.script.create(await checked(P.script, worker));
    emulator.injectFault(fault("503 HTML", /\/settings$/, 10, "GET"));
    newRun();
    await expect(P.script.read(created.id, created.outs!)).rejects.toThrow(/503/);
    figures.faultsServed += 5;
  }, 30_000);

  it("a delete whose answer is lost on the first attempt is retried, finds the Worker gone, and succeeds", async () => {
    const created = await P.script.create(await checked(P.script, worker));
    emulator.clearRequests();
    emulator.injectFault(fault("response lost (applied, then reset)", /\/workers\/scripts\/[^/]+$/, 1, "DELETE"));
    await P.script.delete(created.id, created.outs!);
    expect(takeCalls(emulator)).toEqual([`DELETE /workers/scripts/${NAME} (dropped)`, `DELETE /workers/scripts/${NAME} (404)`]);
    expect(await world(emulator)).toEqual({});
    figures.faultsServed += 1;
  }, 30_000);
});
