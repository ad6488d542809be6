/**
 * Whole lifecycles through the providers under every kind of bad weather: each write step's first request
 * (and the refresh's first read) meets the fault; the client's retries carry the step to success, and after
 * every step the emulator holds exactly what Pulumi would hold.
 */
import type { Emulator } from "../../emulator";
import { newRun, startTestEmulator } from "../support";
import { fault, WEATHERS, type Weather } from "./helpers";
import { runLifecycle } from "./lifecycle";

let emulator: Emulator;
const figures = { lifecycles: 0, steps: 0, faultsServed: 0, retried: 0 };

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(async () => {
  await emulator.close();
  console.log(`provider-faults figures: ${JSON.stringify(figures)}`);
});
beforeEach(() => {
  emulator.reset();
  newRun();
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
