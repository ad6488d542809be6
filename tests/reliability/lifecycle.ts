/**
 * A whole lifecycle of the four resources, driven through the providers exactly as the engine calls them
 * (check, then create / update / read / delete with the checked inputs and the stored outputs), with a hook
 * before every step to bring bad weather, and the emulator's world compared with what Pulumi would hold
 * after every step. The providers take the client the suite gives them (one that sleeps instantly, one with a
 * short timeout), as the engine's provider process would take the one its configuration makes.
 */
import type { Emulator } from "../../emulator";
import { downloadScript, getDefaultClient } from "../../provider/cloudflare";
import { makeWorkerScriptProvider } from "../../provider/resources/worker-script";
import { makeWorkerSecretProvider } from "../../provider/resources/worker-secret";
import { makeWorkerScriptSettingsProvider } from "../../provider/resources/worker-script-settings";
import { makeWorkerSubdomainProvider } from "../../provider/resources/worker-subdomain";
import { ACCOUNT, newRun, scope } from "../support";
import { observerClient, world, type WorkerWorld } from "./helpers";

type Json = Record<string, unknown>;
interface Provider {
  check(olds: Json, news: Json): Promise<{ inputs?: Json; failures?: unknown[] }>;
  diff(id: string, olds: Json, news: Json): Promise<{ changes?: boolean }>;
  create(inputs: Json): Promise<{ id: string; outs?: Json }>;
  read(id: string, props: Json): Promise<{ id?: string; props?: Json }>;
  update(id: string, olds: Json, news: Json): Promise<{ outs?: Json }>;
  delete(id: string, props: Json): Promise<void>;
}
/** What a provider factory takes: a client, or a function giving one. */
type ClientSource = NonNullable<Parameters<typeof makeWorkerScriptProvider>[0]>;

/** The four providers, every one making its requests with `client`. */
export function providers(client: ClientSource = getDefaultClient) {
  return {
    script: makeWorkerScriptProvider(client) as unknown as Provider,
    secret: makeWorkerSecretProvider(client) as unknown as Provider,
    settings: makeWorkerScriptSettingsProvider(client) as unknown as Provider,
    subdomain: makeWorkerSubdomainProvider(client) as unknown as Provider,
  };
}

export const NAME = "reliable-api";
const code = (version: number) => `// VERSION-${version}\nexport default { fetch() { return new Response("v${version}") } }`;

/** The step that is about to run: its kind decides which requests the weather hits. */
export interface StepInfo {
  step: string;
  /** The first write the step sends. */
  writeMethod: "PUT" | "PATCH" | "POST" | "DELETE" | undefined;
}

/** What the emulator must hold after a step, with the code version its Worker runs. */
type Expected = Record<string, WorkerWorld & { version: number }>;

async function worldWithCode(emulator: Emulator): Promise<Expected> {
  const now = await world(emulator);
  const client = observerClient(emulator);
  const before = emulator.requests.length;
  const out: Expected = {};
  for (const [name, w] of Object.entries(now)) {
    const body = Buffer.from(await downloadScript(client, scope, name)).toString("utf8");
    out[name] = { ...w, version: Number(/VERSION-(\d+)/.exec(body)?.[1] ?? "0") };
  }
  emulator.requests.splice(before);
  return out;
}

async function checked(provider: Provider, news: Json, olds: Json = {}): Promise<Json> {
  const result = await provider.check(olds, news);
  if ((result.failures ?? []).length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return result.inputs!;
}

/**
 * Runs create → update → refresh → delete of a Worker with a secret, script settings and its subdomain.
 * `before` runs before each step (inject faults there); `after` after it (wait for late requests there).
 * Every step starts a new provider process (no cache survives), as each `pulumi` command does.
 * The providers use `client` (default: the process-wide client). Returns the number of steps run.
 */
export async function runLifecycle(
  emulator: Emulator,
  hooks: { before?: (info: StepInfo) => void; after?: (info: StepInfo) => Promise<void> },
  client?: ClientSource,
): Promise<number> {
  const P = providers(client);
  let steps = 0;
  const step = async <T>(info: StepInfo, run: () => Promise<T>, expected: Expected): Promise<T> => {
    newRun();
    hooks.before?.(info);
    const result = await run();
    await hooks.after?.(info);
    expect([info.step, await worldWithCode(emulator)]).toEqual([info.step, expected]);
    steps++;
    return result;
  };

  const workerIn = {
    accountId: ACCOUNT,
    scriptName: NAME,
    content: code(1),
    compatibilityDate: "2025-09-01",
    bindings: [{ type: "plain_text", name: "GREETING", text: "hello" }],
  };
  const secretIn = { scriptName: NAME, name: "API_TOKEN", text: "first-secret-value" };
  const settingsIn = { scriptName: NAME, logpush: true, tags: ["team-a", "api"] };
  const subdomainIn = { scriptName: NAME, enabled: true };
  const base = {
    bindings: ["plain_text:GREETING=hello"],
    secrets: [] as string[],
    logpush: false,
    tags: [] as string[],
    subdomain: false,
    version: 1,
  };

  const w1 = await checked(P.script, workerIn);
  const worker = await step({ step: "create WorkerScript", writeMethod: "PUT" }, () => P.script.create(w1), { [NAME]: base });
  const s1 = await checked(P.secret, secretIn);
  const secret = await step({ step: "create WorkerSecret", writeMethod: "PUT" }, () => P.secret.create(s1), {
    [NAME]: { ...base, bindings: ["plain_text:GREETING=hello", "secret_text:API_TOKEN"], secrets: ["API_TOKEN"] },
  });
  const withSecret = { ...base, bindings: ["plain_text:GREETING=hello", "secret_text:API_TOKEN"], secrets: ["API_TOKEN"] };
  const t1 = await checked(P.settings, settingsIn);
  const settings = await step({ step: "create WorkerScriptSettings", writeMethod: "PATCH" }, () => P.settings.create(t1), {
    [NAME]: { ...withSecret, logpush: true, tags: ["team-a", "api"] },
  });
  const full = { ...withSecret, logpush: true, tags: ["team-a", "api"] };
  const d1 = await checked(P.subdomain, subdomainIn);
  const subdomain = await step({ step: "create WorkerSubdomain", writeMethod: "POST" }, () => P.subdomain.create(d1), {
    [NAME]: { ...full, subdomain: true },
  });
  const live = { ...full, subdomain: true };

  // Update: new code and a changed binding (PUT content + GET/PATCH settings); then a rotated secret.
  const w2 = await checked(
    P.script,
    { ...workerIn, content: code(2), bindings: [{ type: "plain_text", name: "GREETING", text: "bonjour" }] },
    w1,
  );
  expect((await P.script.diff(worker.id, worker.outs!, w2)).changes).toBe(true);
  const updated = await step({ step: "update WorkerScript", writeMethod: "PUT" }, () => P.script.update(worker.id, worker.outs!, w2), {
    [NAME]: { ...live, bindings: ["plain_text:GREETING=bonjour", "secret_text:API_TOKEN"], version: 2 },
  });
  const s2 = await checked(P.secret, { ...secretIn, text: "rotated-secret-value" }, s1);
  await step({ step: "update WorkerSecret", writeMethod: "PUT" }, () => P.secret.update(secret.id, secret.outs!, s2), {
    [NAME]: { ...live, bindings: ["plain_text:GREETING=bonjour", "secret_text:API_TOKEN"], version: 2 },
  });
  const final = { ...live, bindings: ["plain_text:GREETING=bonjour", "secret_text:API_TOKEN"], version: 2 };

  // Refresh: every resource is still there and shows no change against the program.
  await step(
    { step: "refresh", writeMethod: undefined },
    async () => {
      const reads = await Promise.all([
        P.script.read(worker.id, updated.outs!).then((r) => P.script.diff(worker.id, r.props!, w2)),
        P.secret.read(secret.id, { ...s2, type: "secret_text" }).then((r) => P.secret.diff(secret.id, r.props!, s2)),
        P.settings.read(settings.id, settings.outs!).then((r) => P.settings.diff(settings.id, r.props!, t1)),
        P.subdomain.read(subdomain.id, subdomain.outs!).then((r) => P.subdomain.diff(subdomain.id, r.props!, d1)),
      ]);
      expect(reads.map((d) => d.changes)).toEqual([false, false, false, false]);
    },
    { [NAME]: final },
  );

  // Destroy, dependents first.
  await step({ step: "delete WorkerSubdomain", writeMethod: "DELETE" }, () => P.subdomain.delete(subdomain.id, subdomain.outs!), {
    [NAME]: { ...final, subdomain: false },
  });
  await step({ step: "delete WorkerSecret", writeMethod: "DELETE" }, () => P.secret.delete(secret.id, { ...s2, type: "secret_text" }), {
    [NAME]: { ...final, subdomain: false, secrets: [], bindings: ["plain_text:GREETING=bonjour"] },
  });
  await step({ step: "delete WorkerScriptSettings", writeMethod: "PATCH" }, () => P.settings.delete(settings.id, settings.outs!), {
    [NAME]: { ...final, subdomain: false, secrets: [], bindings: ["plain_text:GREETING=bonjour"], logpush: false, tags: [] },
  });
  await step({ step: "delete WorkerScript", writeMethod: "DELETE" }, () => P.script.delete(worker.id, updated.outs!), {});
  return steps;
}

export { checked, code };
