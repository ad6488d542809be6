/**
 * Faults that outlast the client's five attempts, through the providers: the step fails with a short, clear
 * error naming the request, and nothing is left half-applied in silence. The waits between attempts are not
 * what is tested here, so the process-wide client gets an instant `sleep` (the client's test hook) that
 * records the waits it asked for; everything else is the real client.
 */
import type { Emulator } from "../../emulator";
import { CloudflareApiError, getScriptContent } from "../../provider/cloudflare";
import { newRun, scope, startTestEmulator } from "../support";
import { ACCOUNT, fault, observerClient, takeCalls, world } from "./helpers";
import { checked, code, NAME, providers as P } from "./lifecycle";

const waits: number[] = [];
jest.mock("../../provider/cloudflare/client", () => {
  const actual = jest.requireActual("../../provider/cloudflare/client");
  let client: unknown;
  return {
    ...actual,
    getDefaultClient: () => (client ??= new actual.CloudflareClient({ sleep: async (ms: number) => void waits.push(ms) })),
  };
});

let emulator: Emulator;
const figures = { faultsServed: 0 };

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  console.log(`provider-exhaustion figures: ${JSON.stringify(figures)}`);
});
beforeEach(() => {
  emulator.reset();
  newRun();
  waits.length = 0;
});

describe("faults that outlast the retries", () => {
  const worker = { accountId: ACCOUNT, scriptName: NAME, content: code(1), compatibilityDate: "2025-09-01" };

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
    // Four waits, growing (capped exponential backoff with jitter): 250-500, 500-1000, 1000-2000, 2000-4000 ms.
    expect(waits).toHaveLength(4);
    waits.forEach((w, i) => {
      expect(w).toBeGreaterThanOrEqual(250 * 2 ** i);
      expect(w).toBeLessThanOrEqual(500 * 2 ** i);
    });
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

  it("an update of code and a binding whose one upload keeps failing changes nothing live, and the same update run again converges", async () => {
    const w1 = await checked(P.script, { ...worker, bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }] });
    const created = await P.script.create(w1);
    const before = await getScriptContent(observerClient(emulator), scope, NAME);
    const w2 = await checked(P.script, { ...worker, content: code(2), bindings: [{ type: "plain_text", name: "GREETING", text: "bonjour" }] }, w1);
    // Exactly the five attempts of one request: the next run meets no fault.
    emulator.injectFault(fault("503 HTML", /\/workers\/scripts\/[^/]+$/, 5, "PUT"));
    newRun();
    await expect(P.script.update(created.id, created.outs!, w2)).rejects.toThrow(/503/);
    // Code and binding travel in one full upload: nothing is half-applied, the Worker serves the old version whole.
    expect((await world(emulator))[NAME]!.bindings).toEqual(["plain_text:GREETING=hello"]);
    expect((await getScriptContent(observerClient(emulator), scope, NAME)).modules.map((m) => Buffer.from(m.content).toString())).toEqual(
      before.modules.map((m) => Buffer.from(m.content).toString()),
    );
    expect((await P.script.diff(created.id, created.outs!, w2)).changes).toBe(true);
    newRun();
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
