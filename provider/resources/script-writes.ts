/**
 * Which write carries a WorkerScript update, so that every update is one deployed change: the Worker never
 * serves new code with old configuration, or the other way round, in between two writes. Pure.
 *
 *   code only                      → PUT …/content (bindings and settings untouched)
 *   configuration only             → PATCH …/settings (only the fields that changed)
 *   code and configuration         → one full upload (PUT …/scripts/{name}), script-level settings read and
 *                                    sent back, secrets carried over with keep_bindings
 *   assets, or code of a Worker
 *   that has assets                → one full upload (assets travel only there)
 *
 * Migrations count as configuration; they go out only when there are steps to send.
 */
export type ScriptWrite =
  | { kind: "none" }
  | { kind: "content" }
  | { kind: "settings"; fields: string[] }
  | { kind: "upload"; reason: "code and configuration" | "assets" };

export interface ScriptChange {
  codeChanged: boolean;
  /** Configuration fields whose value changed (bindings, flags, date, placement, limits, usage model, migrations, annotations). */
  configFields: string[];
  assetsChanged: boolean;
  /** The Worker has static assets (before or after the change). */
  hasAssets: boolean;
}

export function scriptWrite(change: ScriptChange): ScriptWrite {
  const { codeChanged, configFields, assetsChanged, hasAssets } = change;
  if (assetsChanged || (codeChanged && hasAssets)) return { kind: "upload", reason: "assets" };
  if (codeChanged && configFields.length > 0) return { kind: "upload", reason: "code and configuration" };
  if (codeChanged) return { kind: "content" };
  if (configFields.length > 0) return { kind: "settings", fields: configFields };
  return { kind: "none" };
}
