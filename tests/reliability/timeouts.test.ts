/**
 * Timeouts through the providers. The default client waits 60 s per attempt and nothing in the environment
 * shortens it, so here the providers are given a client with a 400 ms per-attempt timeout (the `timeoutMs`
 * client option); everything else is the real client. The emulator holds each faulted request
 * for 1.2 s and then APPLIES it, as a slow real server would: the attempt times out, the retry succeeds, and
 * the late original lands afterwards. Each step waits for that late request before the world is compared.
 */
import { CloudflareClient } from "../../provider/cloudflare";
import { useEmulator } from "../support";
import { runLifecycle } from "./lifecycle";

const TIMEOUT_MS = 400;
const DELAY_MS = 1_200;

const emulator = useEmulator();
const client = new CloudflareClient({ timeoutMs: TIMEOUT_MS });
const figures = { steps: 0, timedOut: 0 };
afterAll(() => {
  console.log(`timeouts figures: ${JSON.stringify(figures)}`);
});

async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error("timed out waiting for the delayed request to land");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("timeouts", () => {
  it(`a whole lifecycle in which every step's first write (and the refresh's first read) outlasts a ${TIMEOUT_MS} ms timeout succeeds, and the late originals change nothing`, async () => {
    const steps = await runLifecycle(
      emulator,
      {
        before: ({ writeMethod }) => {
          emulator.clearRequests();
          emulator.injectFault({ method: writeMethod ?? "GET", path: /./, delayMs: DELAY_MS, times: 1 });
        },
        after: async () => {
          // The timed-out original is still on its way: wait until the emulator has answered it too.
          await until(() => emulator.requests.some((r) => r.durationMs >= DELAY_MS - 50), DELAY_MS + 2_000);
          figures.timedOut++;
        },
      },
      client,
    );
    expect(steps).toBe(11);
    figures.steps += steps;
  }, 90_000);
});
