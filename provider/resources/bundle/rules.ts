/**
 * Module rules: which imports stay out of the bundle and travel as modules of their own (a `.wasm` import
 * as a compiled WebAssembly module, a `.txt` as text). Wrangler's defaults and matching
 * (cloudflare/workers-sdk packages/wrangler/src/deployment-bundle/rules.ts and module-collection.ts). Pure.
 */
import type { ModuleType } from "../../cloudflare/schemas/modules";
import type { ModuleRule, RuleType } from "./schema";

/** Wrangler's `DEFAULT_MODULE_RULES`, applied after the program's rules. */
export const DEFAULT_MODULE_RULES: readonly ModuleRule[] = [
  { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] },
  { type: "Data", globs: ["**/*.bin"] },
  { type: "CompiledWasm", globs: ["**/*.wasm", "**/*.wasm?module"] },
];

/** The module type each rule type uploads as (wrangler's `RuleTypeToModuleType`, in this package's names). */
export const MODULE_TYPE_OF_RULE: Readonly<Record<RuleType, ModuleType>> = {
  CompiledWasm: "wasm",
  Text: "text",
  Data: "data",
};

export interface RuleMatcher {
  type: RuleType;
  pattern: RegExp;
}

/**
 * The program's rules then the defaults, less those wrangler drops: once a rule of a type without
 * `fallthrough: true` is seen, later rules of that type never match (a program's `Text` rule replaces
 * the default one unless it falls through).
 */
export function ruleMatchers(rules: readonly ModuleRule[] = []): RuleMatcher[] {
  const completed = new Set<RuleType>();
  const out: RuleMatcher[] = [];
  for (const rule of [...rules, ...DEFAULT_MODULE_RULES]) {
    if (completed.has(rule.type)) continue;
    for (const glob of rule.globs) out.push({ type: rule.type, pattern: globPattern(glob) });
    if (rule.fallthrough !== true) completed.add(rule.type);
  }
  return out;
}

/**
 * A glob as wrangler matches it against an import specifier (`glob-to-regexp` without its extended and
 * globstar options): `*` matches any characters, `/` included; every other character stands for itself.
 */
export function globPattern(glob: string): RegExp {
  const source = glob
    .split("*")
    .map((part) => part.replace(/[-/\\^$+?.()|[\]{}]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`);
}

/** The rule type an import specifier matches, if any. */
export function ruleFor(matchers: readonly RuleMatcher[], specifier: string): RuleType | undefined {
  return matchers.find((m) => m.pattern.test(specifier))?.type;
}
