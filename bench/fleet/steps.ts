/**
 * The lifecycle steps of the benchmark, in the order they run. Each `up` step names the stack config it
 * deploys (cumulative: every step keeps the changes of the steps before it) and what a user expects the
 * engine to do to each kind of resource.
 */
export type StepName =
  | "create"
  | "no-op up"
  | "code change"
  | "config change (no bindings)"
  | "binding change"
  | "secret rotation"
  | "refresh"
  | "destroy";

export interface StepSpec {
  name: StepName;
  kind: "up" | "refresh" | "destroy";
  /** Program config for `up` steps (count and prefix are added by the runner). */
  config?: Record<string, string>;
  /** Expected engine operations per Worker for `up` steps (5 resources per Worker). */
  expect?: Record<string, number>;
  /** For steps that update: the resources that must be the ones updated (by name). */
  updates?: RegExp;
  /** The target for this step, in calls per Worker (scripts only for refresh: see `target`). */
  target: string;
}

const CODE = { codeVersion: "2" };
const CONFIG = { ...CODE, compatDate: "2025-10-01" };
const BINDING = { ...CONFIG, greeting: "Bonjour" };
const SECRET = { ...BINDING, secretVersion: "2" };

/** Resources per Worker: the script, two secrets, script settings, subdomain. */
export const RESOURCES_PER_WORKER = 5;
const oneUpdate = { update: 1, same: RESOURCES_PER_WORKER - 1 };
const SCRIPT = /^[a-z]+-\d+$/;

export const STEPS: readonly StepSpec[] = [
  { name: "create", kind: "up", config: {}, expect: { create: RESOURCES_PER_WORKER }, target: "one write per resource (5 per Worker)" },
  { name: "no-op up", kind: "up", config: {}, expect: { same: RESOURCES_PER_WORKER }, target: "0 calls" },
  { name: "code change", kind: "up", config: CODE, expect: oneUpdate, updates: SCRIPT, target: "1 call per Worker" },
  { name: "config change (no bindings)", kind: "up", config: CONFIG, expect: oneUpdate, updates: SCRIPT, target: "1 call per Worker" },
  { name: "binding change", kind: "up", config: BINDING, expect: oneUpdate, updates: SCRIPT, target: "at most 2 calls per Worker" },
  { name: "secret rotation", kind: "up", config: SECRET, expect: oneUpdate, updates: /-api-key$/, target: "1 call per Worker (one secret rotated)" },
  { name: "refresh", kind: "refresh", target: "at most N + 1 calls for the scripts" },
  { name: "destroy", kind: "destroy", target: "-" },
];
