/**
 * Whole lifecycles through the providers under every kind of bad weather: each write step's first request
 * (and the refresh's first read) meets the fault; the client's retries carry the step to success, and after
 * every step the emulator holds exactly what Pulumi would hold. A fault that is not Cloudflare's (an HTML 404
 * from a proxy) is never read as the API's answer.
 */
import { CloudflareClient } from "../../provider/cloudflare";
import { ACCOUNT, newRun, useEmulator } from "../support";
import { fault, htmlPage, takeCalls, WEATHERS, world, type Weather } from "./helpers";
import { checked, code, NAME, providers, runLifecycle } from "./lifecycle";

const emulator = useEmulator();
const figures = { lifecycles: 0, steps: 0, faultsServed: 0, retried: 0 };

afterAll(() => {
  console.log(`provider-faults figures: ${JSON.stringify(figures)}`);
});

/** Requests answered by a fault: dropped (status 0), or an error status the step still got past. */
function countFaults(): void {
  const failed = emulator.requests.filter((r) => r.status === 0 || r.status === 429 || r.status >= 500).length;
  figures.faultsServed += failed;
  figures.retried += failed;
}

describe("a whole lifecycle succeeds through one fault on every step, and the emulator agrees with Pulumi after each", () => {
  it.each(WEATHERS.map((w) => [w]))(
    "%s",
    async (weather: Weather) => {
      let served = 0;
      const steps = await runLifecycle(emulator, {
        before: ({ writeMethod }) => {
          emulator.injectFault(fault(weather, /./, 1, writeMethod ?? "GET"));
        },
        after: async () => {
          served += emulator.requests.filter((r) => r.status === 0 || r.status === 429 || r.status >= 500).length;
          countFaults();
          emulator.clearRequests();
        },
      });
      expect(steps).toBe(11);
      // Every step met its fault and got past it.
      expect(served).toBe(11);
      figures.lifecycles++;
      figures.steps += steps;
    },
    60_000,
  );
});

describe("a 404 that does not come from the API", () => {
  const P = providers(new CloudflareClient({ sleep: async () => undefined }));
  const worker = { accountId: ACCOUNT, scriptName: NAME, content: code(1), compatibilityDate: "2025-09-01" };
  /** A proxy or a misrouted edge answering 404 with an HTML page: no Cloudflare envelope, no error code. */
  const html404 = (path: RegExp, method: string) => ({
    method,
    path,
    times: 1,
    status: 404,
    headers: { "content-type": "text/html" },
    body: htmlPage(404),
  });

  // Such a 404 is CF_UNEXPECTED_RESPONSE, not CF_NOT_FOUND: were it read as "gone", read() would return {} and
  // the engine would drop the Worker from state though it still runs, and destroy would report success and
  // orphan it.
  it("refresh fails instead of dropping a Worker from state when a 404 carries no Cloudflare error", async () => {
    const created = await P.script.create(await checked(P.script, worker));
    emulator.injectFault(html404(/\/settings$/, "GET"));
    newRun();
    await expect(P.script.read(created.id, created.outs!)).rejects.toThrow(/404/);
  });

  it("destroy fails instead of reporting success when the DELETE is answered by an HTML 404 and the Worker remains", async () => {
    const created = await P.script.create(await checked(P.script, worker));
    emulator.clearRequests();
    emulator.injectFault(html404(/\/workers\/scripts\/[^/]+$/, "DELETE"));
    const outcome = await P.script.delete(created.id, created.outs!).then(
      () => "deleted",
      () => "failed",
    );
    expect(takeCalls(emulator)).toEqual([`DELETE /workers/scripts/${NAME} (404)`]);
    expect(Object.keys(await world(emulator))).toEqual([NAME]);
    expect(outcome).toBe("failed");
  });
});
