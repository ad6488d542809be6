/** Compares the engine's state (what Pulumi holds) with the emulator's world (what Cloudflare holds). */
import type { Emulator } from "../../emulator";
import type { Engine } from "../engine/harness";
import { world } from "./helpers";

/**
 * Every resource in state exists in the emulator with the values its outputs claim, and every Worker in
 * the emulator is in state (no orphan). Returns a list of disagreements (empty when they agree).
 */
export async function disagreements(engine: Engine, emulator: Emulator): Promise<string[]> {
  const live = await world(emulator);
  const problems: string[] = [];
  const inState = new Set<string>();
  for (const r of engine.state.values()) {
    if (!r.custom) continue;
    const kind = r.type.split(":").pop();
    const name = String(r.outputs.scriptName);
    const w = live[name];
    if (kind === "WorkerScript") {
      inState.add(name);
      if (!w) problems.push(`${r.name}: Worker ${name} is in state but not in the emulator`);
      continue;
    }
    if (!w) {
      problems.push(`${r.name}: its Worker ${name} is not in the emulator`);
      continue;
    }
    // A secret kept without its value is a create whose answer never came: set or not, the next up sets it.
    const confirmed = r.outputs.text !== undefined || r.outputs.secretKey !== undefined;
    if (kind === "WorkerSecret" && confirmed && !w.secrets.includes(String(r.outputs.name)))
      problems.push(`${r.name}: secret ${String(r.outputs.name)} missing`);
    if (kind === "WorkerScriptSettings") {
      if (r.outputs.logpush !== undefined && r.outputs.logpush !== w.logpush)
        problems.push(`${r.name}: logpush ${String(w.logpush)} ≠ state ${String(r.outputs.logpush)}`);
      if (
        Array.isArray(r.outputs.tags) &&
        JSON.stringify([...(r.outputs.tags as string[])].sort()) !== JSON.stringify([...(w.tags ?? [])].sort())
      ) {
        problems.push(`${r.name}: tags ${JSON.stringify(w.tags)} ≠ state ${JSON.stringify(r.outputs.tags)}`);
      }
    }
    if (kind === "WorkerSubdomain" && r.outputs.enabled !== w.subdomain)
      problems.push(`${r.name}: subdomain ${String(w.subdomain)} ≠ state ${String(r.outputs.enabled)}`);
  }
  for (const name of Object.keys(live)) if (!inState.has(name)) problems.push(`orphan: Worker ${name} is in the emulator but not in state`);
  return problems;
}
