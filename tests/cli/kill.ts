/**
 * Killing `pulumi up` at a chosen moment for the crash tests: the emulator applies the held writes and keeps
 * their answers back, and the CLI (with every process under it) is killed once all of them are applied.
 */
import type { Emulator } from "../../emulator";
import type { CommandResult, PulumiStack } from "./pulumi-cli";

/** Longer than any step: the answer of a held write never arrives before the kill. */
const HOLD_MS = 10 * 60_000;

/** The writes held at a kill point: method and path (after /client/v4) of each request. */
export type Held = readonly (readonly [string, RegExp])[];

/** Runs `pulumi up`, holds the answers of `held` (each applied first), kills the CLI once all are applied. */
export async function upKilledAfter(stack: PulumiStack, emulator: Emulator, held: Held): Promise<CommandResult> {
  emulator.clearRequests();
  for (const [method, pattern] of held) emulator.injectFault({ method, path: pattern, applyFirst: true, holdMs: HOLD_MS, times: 1 });
  const allHeld = async () => {
    while (!held.every(([method, pattern]) => emulator.requests.some((r) => r.held && r.method === method && pattern.test(r.path)))) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Lets the CLI finish writing the checkpoint of the steps that did complete: a kill in the middle of that
    // write leaves the file backend's state unreadable ("failed to load checkpoint"), a hazard of the backend.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  };
  const killed = await stack.runKilledWhen(["up", "--yes", "--skip-preview"], allHeld);
  for (const [method, pattern] of held) {
    const requests = emulator.requests.filter((r) => r.method === method && pattern.test(r.path));
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}${r.held ? " held" : ""}`)).toEqual([expect.stringMatching(/ 200 held$/)]);
  }
  return killed;
}

/** What the user types after the crash (README, "After a crash"), then the drift check. */
export async function recover(stack: PulumiStack, emulator: Emulator): Promise<CommandResult> {
  await stack.run(["cancel", "--yes"]);
  emulator.clearRequests();
  const up = await stack.ok(["up", "--yes", "--skip-preview"]);
  await stack.ok(["preview", "--refresh", "--expect-no-changes"]);
  // The engine keeps its record of the interrupted creates (and warns of it) until told they are settled.
  await stack.ok(["refresh", "--clear-pending-creates", "--yes", "--skip-preview"]);
  return up;
}
