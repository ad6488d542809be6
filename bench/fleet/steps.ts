/**
 * The lifecycle steps of the benchmark, in the order they run. Each `up` step names the stack config it
 * deploys (cumulative: every step keeps the changes of the steps before it) and what a user expects the
 * engine to do to each kind of resource.
 */
export type StepName = "create" | "no-op up" | "code change" | "secret rotation" | "drift check" | "refresh" | "destroy";

export interface StepSpec {
  name: StepName;
  /** "drift": the check users run in CI, `pulumi preview --refresh --expect-no-changes` (reads, no writes). */
  kind: "up" | "drift" | "refresh" | "destroy";
  /** Program config for `up` steps (count and prefix are added by the runner). */
  config?: Record<string, string>;
  /** Expected engine operations per Worker for `up` steps. */
  expect?: Record<string, number>;
  /** For steps that update: the resources that must be the ones updated (by name). */
  updates?: RegExp;
  /**
   * The longest chain of API calls that must follow one another (a resource waits for what it depends on,
   * a provider's calls for one another): with the emulator's latency, the least time the step can take.
   */
  depth: number;
}

const CODE = { codeVersion: "2" };
const SECRET = { ...CODE, secretVersion: "2" };

/** Resources per Worker: the script, its secret, script settings, subdomain. */
export const RESOURCES_PER_WORKER = 4;
const oneUpdate = { update: 1, same: RESOURCES_PER_WORKER - 1 };
const SCRIPT = /^[a-z]+-\d+$/;

export const STEPS: readonly StepSpec[] = [
  // account listing → PUT script → PUT secret → POST subdomain (it depends on the secret)
  { name: "create", kind: "up", config: {}, expect: { create: RESOURCES_PER_WORKER }, depth: 4 },
  { name: "no-op up", kind: "up", config: {}, expect: { same: RESOURCES_PER_WORKER }, depth: 0 },
  { name: "code change", kind: "up", config: CODE, expect: oneUpdate, updates: SCRIPT, depth: 1 },
  { name: "secret rotation", kind: "up", config: SECRET, expect: oneUpdate, updates: /-api-key$/, depth: 1 },
  // every Read at once, then a preview that must find nothing to change
  { name: "drift check", kind: "drift", config: SECRET, depth: 2 },
  // every Read at once; the script's: GET settings, then the account listing
  { name: "refresh", kind: "refresh", depth: 2 },
  // subdomain → secret → script
  { name: "destroy", kind: "destroy", depth: 3 },
];
