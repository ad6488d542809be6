/**
 * Faults that outlast the client's five attempts, through the providers: the step fails with a short, clear
 * error naming the request, nothing is left half-applied in silence, and the next run converges. The waits
 * between attempts are not what is tested here, so the providers are given a client with an instant `sleep`
 * (the client's test hook) that records the waits it asked for; everything else is the real client.
 */
import { CloudflareApiError, CloudflareClient, getScriptContent } from "../../provider/cloudflare";
import { ACCOUNT, newRun, scope, useEmulator } from "../support";
import { fault, observerClient, takeCalls, world } from "./helpers";
import { checked, code, NAME, providers } from "./lifecycle";

const waits: number[] = [];
const P = providers(new CloudflareClient({ sleep: async (ms: number) => void waits.push(ms) }));

const emulator = useEmulator();
const figures = { faultsServed: 0 };

afterAll(() => {
  console.log(`provider-exhaustion figures: ${JSON.stringify(figures)}`);
});
beforeEach(() => {
  waits.length = 0;
});

describe("faults that outlast the retries", () => {
  const worker = { accountId: ACCOUNT, scriptName: NAME, content: code(1), compatibilityDate: "2025-09-01" };

  it.each([
    ["503 HTML", 503],
    ["502 HTML", 502],
    ["10013 transient", 500],
  ] as const)(
    "a %s storm longer than the retries fails the create with a short, clear error and creates nothing",
    async (weather, status) => {
      emulator.injectFault(fault(weather, /\/workers\/scripts\/[^/]+$/, 10, "PUT"));
      const error = await P.script.create(await checked(P.script, worker)).then(
        () => undefined,
        (e: unknown) => e,
      );
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
    },
    30_000,
  );

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
    const w2 = await checked(
      P.script,
      { ...worker, content: code(2), bindings: [{ type: "plain_text", name: "GREETING", text: "bonjour" }] },
      w1,
    );
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

describe("a create whose answers were all lost", () => {
  const worker = { accountId: ACCOUNT, scriptName: NAME, content: code(1), compatibilityDate: "2025-09-01" };
  const secret = { scriptName: NAME, name: "API_TOKEN", text: "secret-value-0001" };

  /** The upload is applied on the server, but every answer to it is lost: all five attempts. */
  async function createWithEveryAnswerLost(): Promise<Record<string, unknown>> {
    const inputs = await checked(P.script, worker);
    emulator.injectFault(fault("response lost (applied, then reset)", /\/workers\/scripts\/[^/]+$/, 5, "PUT"));
    await expect(P.script.create(inputs)).rejects.toThrow(/PUT|network|reset|socket/i);
    newRun(); // the next `pulumi up` is a new provider process
    return inputs;
  }

  // WorkerScript.create refuses an existing Worker unless `adopt` is set; the one this very program uploaded a
  // moment ago, whose answer was lost, is recognised instead, so the user need not add adopt: true (or delete
  // the Worker by hand) when nothing of anyone else's is at stake.
  it("the next up converges: the Worker this program uploaded is recognised and taken into state", async () => {
    const inputs = await createWithEveryAnswerLost();
    const created = await P.script.create(inputs);
    expect(created.id).toBe(`${ACCOUNT}/${NAME}`);
  }, 30_000);

  // The same for WorkerSecret.create, whose existence check cannot tell "set by someone else" from "set by our
  // own earlier attempt whose answer was lost" by comparing: the secret API never returns values.
  it("the next up converges for a secret whose PUT was applied but never acknowledged", async () => {
    await P.script.create(await checked(P.script, worker));
    const inputs = await checked(P.secret, secret);
    emulator.injectFault(fault("response lost (applied, then 502)", /\/secrets$/, 5, "PUT"));
    await expect(P.secret.create(inputs)).rejects.toThrow(/502/);
    const created = await P.secret.create(inputs);
    expect(created.id).toBe(`${ACCOUNT}/${NAME}/secrets/API_TOKEN`);
  }, 30_000);
});
