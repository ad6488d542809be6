/**
 * Every endpoint function against the project's emulator, in both scopes (the account, and a dispatch
 * namespace) wherever the API has both, with both auth schemes.
 */
import { createHash } from "node:crypto";
import { DEFAULT_GLOBAL_KEY } from "../../emulator";
import {
  CloudflareApiError,
  CloudflareClient,
  closeDispatchers,
  createAssetsUploadSession,
  createNamespace,
  deleteNamespace,
  deleteScript,
  deleteSecret,
  deleteSubdomain,
  downloadScript,
  getDispatchScript,
  getDispatchScriptBindings,
  getNamespace,
  getScriptContent,
  getScriptSettings,
  getSecret,
  getSettings,
  getSubdomain,
  getUsageModel,
  getVersion,
  listNamespaces,
  listScripts,
  listSecrets,
  listVersions,
  parseModulesMultipart,
  patchScriptSettings,
  patchSettings,
  putScriptContent,
  putSecret,
  putUsageModel,
  searchAllScripts,
  searchScripts,
  setSubdomain,
  uploadAssetsBucket,
  uploadScript,
  type Scope,
  type WorkerModule,
} from "../../provider/cloudflare";
import { ACCOUNT, emulatorEnv, useEmulator } from "../support";
import { recordingSleep } from "./helpers/clocks";

const NAMESPACE = "tenants";
const enc = new TextEncoder();
const unlimited = { acquire: () => Promise.resolve(), pauseFor: () => undefined };

function esm(name: string, text: string): WorkerModule {
  return { name, contentType: "application/javascript+module", content: enc.encode(text) };
}

const MAIN = esm(
  "index.js",
  'import { greet } from "./lib/greet.js";\nexport default { async fetch() { return new Response(greet()); } };\n',
);
const LIB = esm("lib/greet.js", 'export function greet() { return "hi"; }\n');
const WASM: WorkerModule = {
  name: "add.wasm",
  contentType: "application/wasm",
  content: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]),
};

const emulator = useEmulator();
let client: CloudflareClient;
let sleeper: ReturnType<typeof recordingSleep>;

afterAll(() => closeDispatchers());
beforeEach(() => {
  sleeper = recordingSleep();
  client = new CloudflareClient({ baseUrl: emulator.url, limiter: unlimited, sleep: sleeper.sleep });
});

const SCOPES: [string, Scope][] = [
  ["the account", { accountId: ACCOUNT }],
  ["a dispatch namespace", { accountId: ACCOUNT, dispatchNamespace: NAMESPACE }],
];

async function prepareScope(scope: Scope): Promise<void> {
  if (scope.dispatchNamespace !== undefined) await createNamespace(client, scope.accountId, { name: scope.dispatchNamespace });
}

async function upload(scope: Scope, name = "hello", extra: Record<string, unknown> = {}) {
  return uploadScript(client, scope, name, {
    metadata: {
      main_module: "index.js",
      compatibility_date: "2026-01-15",
      bindings: [
        { type: "plain_text", name: "GREETING", text: "hello" },
        { type: "secret_text", name: "API_KEY", text: "s3cr3t-value" },
        { type: "kv_namespace", name: "CACHE", namespace_id: "0f2ac74b498b48028cb68387c421e279" },
      ],
      ...extra,
    },
    modules: [MAIN, LIB, WASM],
  });
}

describe.each(SCOPES)("endpoint functions in %s", (_label, scope) => {
  // The API has script-settings, usage-model and versions at account scope only (tested below for a namespace).
  const accountOnly = scope.dispatchNamespace === undefined ? test : test.skip;
  const base =
    scope.dispatchNamespace === undefined
      ? `/accounts/${ACCOUNT}/workers/scripts`
      : `/accounts/${ACCOUNT}/workers/dispatch/namespaces/${NAMESPACE}/scripts`;

  beforeEach(async () => {
    await prepareScope(scope);
    emulator.clearRequests();
  });

  test("uploadScript sends one multipart PUT and returns the Script; getSettings shows the bindings without secret values", async () => {
    const script = await upload(scope);
    expect(script.id).toBe("hello");
    expect(script.etag).toMatch(/^[0-9a-f]+$/);
    expect(emulator.requests.map((r) => [r.method, r.path, r.status])).toEqual([["PUT", `${base}/hello`, 200]]);
    const settings = await getSettings(client, scope, "hello");
    expect(settings.compatibility_date).toBe("2026-01-15");
    expect(settings.bindings).toEqual([
      { type: "plain_text", name: "GREETING", text: "hello" },
      { type: "secret_text", name: "API_KEY" },
      { type: "kv_namespace", name: "CACHE", namespace_id: "0f2ac74b498b48028cb68387c421e279" },
    ]);
  });

  test("uploadScript with bindingsInherit strict refuses an inherit binding that cannot be resolved (10057)", async () => {
    const error = await uploadScript(client, scope, "fresh", {
      metadata: { main_module: "index.js", bindings: [{ type: "inherit", name: "GONE" }] },
      modules: [MAIN, LIB],
      bindingsInherit: "strict",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect((error as CloudflareApiError).codes).toContain(10057);
    expect(emulator.requests[0]!.query).toEqual({ bindings_inherit: "strict" });
  });

  test("getScriptContent returns every module byte for byte, with its content type and the main module", async () => {
    await upload(scope);
    const content = await getScriptContent(client, scope, "hello");
    expect(content.mainModule).toBe("index.js");
    expect(content.modules).toEqual([MAIN, LIB, WASM]);
    expect(emulator.requests.at(-1)!.path).toBe(
      scope.dispatchNamespace === undefined ? `${base}/hello/content/v2` : `${base}/hello/content`,
    );
  });

  test("downloadScript returns the code", async () => {
    await upload(scope);
    const bytes = await downloadScript(client, scope, "hello");
    const text = Buffer.from(bytes).toString("utf8");
    expect(text).toContain("export default { async fetch()");
    expect(text).toContain("export function greet()");
  });

  test("putScriptContent replaces only the code: bindings and settings stay", async () => {
    await upload(scope);
    const next = esm("main.js", "export default { fetch() { return new Response('v2'); } };\n");
    await putScriptContent(client, scope, "hello", { mainModule: "main.js", modules: [next] });
    const content = await getScriptContent(client, scope, "hello");
    expect(content).toEqual({ mainModule: "main.js", modules: [next] });
    const settings = await getSettings(client, scope, "hello");
    expect(settings.bindings?.map((b) => b.name)).toEqual(["GREETING", "API_KEY", "CACHE"]);
    expect(settings.compatibility_date).toBe("2026-01-15");
  });

  test("patchSettings changes only the fields it carries, as one multipart part", async () => {
    await upload(scope);
    const patched = await patchSettings(client, scope, "hello", {
      compatibility_flags: ["nodejs_compat"],
      bindings: [
        { type: "inherit", name: "API_KEY" },
        { type: "plain_text", name: "GREETING", text: "bonjour" },
      ],
    });
    expect(patched.compatibility_flags).toEqual(["nodejs_compat"]);
    const settings = await getSettings(client, scope, "hello");
    expect(settings.compatibility_date).toBe("2026-01-15");
    expect(settings.bindings).toEqual([
      { type: "secret_text", name: "API_KEY" },
      { type: "plain_text", name: "GREETING", text: "bonjour" },
    ]);
    expect((await getScriptContent(client, scope, "hello")).modules).toEqual([MAIN, LIB, WASM]);
  });

  accountOnly("getScriptSettings / patchScriptSettings: logpush, tags and tail consumers, not versioned", async () => {
    await upload(scope);
    const before = (await listVersions(client, scope, "hello")).items.length;
    const patched = await patchScriptSettings(client, scope, "hello", { logpush: true, tags: ["team:edge"] });
    expect(patched).toMatchObject({ logpush: true, tags: ["team:edge"] });
    expect(await getScriptSettings(client, scope, "hello")).toMatchObject({ logpush: true, tags: ["team:edge"] });
    expect((await listVersions(client, scope, "hello")).items.length).toBe(before);
  });

  accountOnly("getUsageModel / putUsageModel", async () => {
    await upload(scope);
    expect((await getUsageModel(client, scope, "hello")).usage_model).toBe("standard");
    const put = await putUsageModel(client, scope, "hello", { usage_model: "unbound" });
    expect(put.usage_model).toBe("unbound");
    expect((await getUsageModel(client, scope, "hello")).usage_model).toBe("unbound");
  });

  test("secrets: put, list, get (never the value), delete; names with / are encoded", async () => {
    await upload(scope);
    expect(await putSecret(client, scope, "hello", { name: "DB/PASSWORD", type: "secret_text", text: "pa55word!" })).toEqual({
      name: "DB/PASSWORD",
      type: "secret_text",
    });
    const listed = await listSecrets(client, scope, "hello");
    expect(listed).toEqual(
      expect.arrayContaining([
        { name: "API_KEY", type: "secret_text" },
        { name: "DB/PASSWORD", type: "secret_text" },
      ]),
    );
    expect(JSON.stringify(listed)).not.toContain("pa55word!");
    expect(await getSecret(client, scope, "hello", "DB/PASSWORD")).toEqual({ name: "DB/PASSWORD", type: "secret_text" });
    expect(emulator.requests.at(-1)!.path).toBe(`${base}/hello/secrets/DB%2FPASSWORD`);
    await deleteSecret(client, scope, "hello", "DB/PASSWORD");
    const gone = await getSecret(client, scope, "hello", "DB/PASSWORD").catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(CloudflareApiError);
    expect((gone as CloudflareApiError).isNotFound).toBe(true);
  });

  test("a secret put to a Worker that does not exist is 10007, reported as not found", async () => {
    const error = (await putSecret(client, scope, "ghost", { name: "A", type: "secret_text", text: "x" }).catch(
      (e: unknown) => e,
    )) as CloudflareApiError;
    expect(error.isNotFound).toBe(true);
    expect(error.codes).toContain(10007);
    expect(error.message).toContain('The Worker "ghost" does not exist');
    expect(error.message).not.toContain(emulatorEnv(emulator).CLOUDFLARE_API_TOKEN);
  });

  accountOnly("versions: every change makes one, and getVersion shows its bindings and runtime", async () => {
    await upload(scope);
    await patchSettings(client, scope, "hello", { compatibility_flags: ["nodejs_compat"] });
    const { items } = await listVersions(client, scope, "hello");
    expect(items.length).toBeGreaterThanOrEqual(2);
    const numbers = items.map((v) => v.number ?? 0).sort((a, b) => b - a);
    const latest = items.find((v) => v.number === numbers[0])!;
    const detail = await getVersion(client, scope, "hello", latest.id!);
    expect(detail.id).toBe(latest.id);
    expect(detail.resources.script_runtime?.compatibility_flags).toEqual(["nodejs_compat"]);
    expect(detail.resources.bindings?.map((b) => b.name)).toEqual(["GREETING", "API_KEY", "CACHE"]);
  });

  test("deleteScript removes the Worker; reading it afterwards is not found", async () => {
    await upload(scope);
    await deleteScript(client, scope, "hello");
    const error = (await getSettings(client, scope, "hello").catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.isNotFound).toBe(true);
    await expect(deleteScript(client, scope, "hello")).rejects.toMatchObject({ code: "CF_NOT_FOUND" });
  });

  test("deleteScript without force keeps a Worker another one binds; with force it goes", async () => {
    await upload(scope, "backend");
    await upload(scope, "frontend", { bindings: [{ type: "service", name: "API", service: "backend" }] });
    const refused = await deleteScript(client, scope, "backend").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CloudflareApiError);
    await deleteScript(client, scope, "backend", { force: true });
    expect(emulator.requests.at(-1)!.query).toEqual({ force: "true" });
    await expect(getSettings(client, scope, "backend")).rejects.toMatchObject({ code: "CF_NOT_FOUND" });
  });

  test("static assets: session, bucket upload with the session JWT, then an upload that attaches them", async () => {
    const files = [enc.encode("<h1>home</h1>"), enc.encode("body{}")];
    const hashes = files.map((f) => createHash("sha256").update(f).digest("hex").slice(0, 32));
    const session = await createAssetsUploadSession(client, scope, "site", {
      "/index.html": { hash: hashes[0]!, size: files[0]!.byteLength },
      "/style.css": { hash: hashes[1]!, size: files[1]!.byteLength },
    });
    expect(session.buckets.flat().sort()).toEqual([...hashes].sort());
    let completion: string | undefined;
    for (const bucket of session.buckets) {
      const answer = await uploadAssetsBucket(
        client,
        ACCOUNT,
        session.jwt,
        bucket.map((hash) => {
          const i = hashes.indexOf(hash);
          return { hash, contentType: i === 0 ? "text/html" : "text/css", base64: Buffer.from(files[i]!).toString("base64") };
        }),
      );
      completion = answer.jwt ?? completion;
    }
    expect(completion).toEqual(expect.any(String));
    const uploadRequest = emulator.requests.find((r) => r.path.endsWith("/workers/assets/upload"))!;
    expect(uploadRequest.query).toEqual({ base64: "true" });
    const script = await uploadScript(client, scope, "site", {
      metadata: { main_module: "index.js", assets: { jwt: completion!, config: { html_handling: "auto-trailing-slash" } } },
      modules: [MAIN, LIB],
    });
    expect(script.has_assets).toBe(true);
    // The same files again: nothing to upload.
    const again = await createAssetsUploadSession(client, scope, "site", {
      "/index.html": { hash: hashes[0]!, size: files[0]!.byteLength },
    });
    expect(again.buckets).toEqual([]);
  });

  test("an assets upload with a bad session JWT is an auth error that says to start a new session", async () => {
    const error = (await uploadAssetsBucket(client, ACCOUNT, "not-a-jwt", [
      { hash: "0".repeat(32), contentType: "text/plain", base64: "eA==" },
    ]).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.code).toBe("CF_AUTH");
    expect(error.message).toContain("start a new assets upload session");
    expect(error.message).not.toContain("not-a-jwt");
  });
});

describe("account-only endpoints", () => {
  const account: Scope = { accountId: ACCOUNT };

  test("listScripts lists every Worker with its etag, and filters by tags", async () => {
    await upload(account, "one", { tags: ["env:prod"] });
    await upload(account, "two");
    const all = await listScripts(client, ACCOUNT);
    expect(all.map((s) => s.id).sort()).toEqual(["one", "two"]);
    expect(all.every((s) => typeof s.etag === "string")).toBe(true);
    const tagged = await listScripts(client, ACCOUNT, { tags: "env:prod:yes" });
    expect(tagged.map((s) => s.id)).toEqual(["one"]);
    expect(emulator.requests.at(-1)!.query).toEqual({ tags: "env:prod:yes" });
  });

  test("searchScripts pages with result_info; searchAllScripts walks every page", async () => {
    for (let i = 0; i < 5; i++) await upload(account, `svc-${i}`);
    await upload(account, "other");
    const page = await searchScripts(client, ACCOUNT, { name: "svc", perPage: 2, page: 1, orderBy: "name" });
    expect(page.rows.map((r) => r.script_name)).toEqual(["svc-0", "svc-1"]);
    expect(page.resultInfo).toMatchObject({ page: 1, per_page: 2 });
    expect(emulator.requests.at(-1)!.query).toEqual({ name: "svc", page: "1", per_page: "2", order_by: "name" });
    const all = await searchAllScripts(client, ACCOUNT, { name: "svc" });
    expect(all.map((r) => r.script_name).sort()).toEqual(["svc-0", "svc-1", "svc-2", "svc-3", "svc-4"]);
  });

  test("subdomain: get, set (POST), delete", async () => {
    await upload(account);
    const set = await setSubdomain(client, account, "hello", { enabled: true, previews_enabled: true });
    expect(set).toEqual({ enabled: true, previews_enabled: true });
    expect(await getSubdomain(client, account, "hello")).toEqual({ enabled: true, previews_enabled: true });
    const deleted = await deleteSubdomain(client, account, "hello");
    expect(deleted.enabled).toBe(false);
    expect((await getSubdomain(client, account, "hello")).enabled).toBe(false);
  });

  test("subdomain of a Worker that does not exist is not found", async () => {
    await expect(getSubdomain(client, account, "ghost")).rejects.toMatchObject({ code: "CF_NOT_FOUND" });
  });
});

describe("dispatch namespaces", () => {
  const scope: Scope = { accountId: ACCOUNT, dispatchNamespace: NAMESPACE };

  test("create, list, get, delete a namespace", async () => {
    const created = await createNamespace(client, ACCOUNT, { name: "ns-one" });
    expect(created.namespace_name).toBe("ns-one");
    expect((await listNamespaces(client, ACCOUNT)).map((n) => n.namespace_name)).toEqual(["ns-one"]);
    expect((await getNamespace(client, ACCOUNT, "ns-one")).namespace_name).toBe("ns-one");
    await deleteNamespace(client, ACCOUNT, "ns-one");
    await expect(getNamespace(client, ACCOUNT, "ns-one")).rejects.toMatchObject({ code: "CF_NOT_FOUND", codes: [100119] });
  });

  test("creating a namespace twice is a conflict, sent once", async () => {
    await createNamespace(client, ACCOUNT, { name: "dup" });
    emulator.clearRequests();
    const error = (await createNamespace(client, ACCOUNT, { name: "dup" }).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error).toBeInstanceOf(CloudflareApiError);
    expect(emulator.requests).toHaveLength(1);
  });

  test("getDispatchScript answers JSON about the script; getDispatchScriptBindings lists its bindings", async () => {
    await createNamespace(client, ACCOUNT, { name: NAMESPACE });
    await upload(scope);
    const info = await getDispatchScript(client, scope, "hello");
    expect(info.dispatch_namespace).toBe(NAMESPACE);
    expect(info.script?.id).toBe("hello");
    const bindings = await getDispatchScriptBindings(client, scope, "hello");
    expect(bindings.map((b) => [b.type, b.name])).toEqual([
      ["plain_text", "GREETING"],
      ["secret_text", "API_KEY"],
      ["kv_namespace", "CACHE"],
    ]);
  });

  test("the namespace-only functions refuse an account scope before sending anything", async () => {
    await expect(getDispatchScript(client, { accountId: ACCOUNT }, "x")).rejects.toThrow(/dispatchNamespace/);
    await expect(getDispatchScriptBindings(client, { accountId: ACCOUNT }, "x")).rejects.toThrow(/dispatchNamespace/);
    expect(emulator.requests).toHaveLength(0);
  });

  test("a Worker in a namespace that does not exist: 100119, the message names the namespace", async () => {
    const error = (await getSettings(client, { accountId: ACCOUNT, dispatchNamespace: "nowhere" }, "w").catch(
      (e: unknown) => e,
    )) as CloudflareApiError;
    expect(error.isNotFound).toBe(true);
    expect(error.codes).toEqual([100119]);
    expect(error.message).toContain('The dispatch namespace "nowhere" does not exist');
  });
});

describe("auth schemes and retries against the emulator", () => {
  test("a Global API key works as well as a token", async () => {
    const keyClient = new CloudflareClient({
      email: DEFAULT_GLOBAL_KEY.email,
      apiKey: DEFAULT_GLOBAL_KEY.key,
      baseUrl: emulator.url,
      limiter: unlimited,
    });
    await upload({ accountId: ACCOUNT });
    await expect(listScripts(keyClient, ACCOUNT)).resolves.toEqual([expect.objectContaining({ id: "hello" })]);
  });

  test("a wrong token is CF_AUTH naming where it came from, without its value", async () => {
    const bad = new CloudflareClient({ apiToken: "wrong-token-abcdef123", baseUrl: emulator.url, limiter: unlimited });
    const error = (await listScripts(bad, ACCOUNT).catch((e: unknown) => e)) as CloudflareApiError;
    expect(error.code).toBe("CF_AUTH");
    expect(error.message).toContain("the API token from the apiToken option");
    expect(error.message).not.toContain("wrong-token-abcdef123");
  });

  test("a 429 with Retry-After from the emulator is waited out, then the call succeeds", async () => {
    emulator.injectFault({
      method: "GET",
      path: `/accounts/${ACCOUNT}/workers/scripts`,
      status: 429,
      headers: { "retry-after": "3" },
      times: 1,
    });
    await expect(listScripts(client, ACCOUNT)).resolves.toEqual([]);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(sleeper.waits[0]).toBeGreaterThanOrEqual(3000);
  });

  test("an upload whose answer is lost (connection dropped after it applied) is retried and converges", async () => {
    emulator.injectFault({ method: "PUT", path: new RegExp(`/scripts/hello$`), dropConnection: true, applyFirst: true, times: 1 });
    const script = await upload({ accountId: ACCOUNT });
    expect(script.id).toBe("hello");
    expect(emulator.requests.filter((r) => r.method === "PUT")).toHaveLength(2);
    expect((await listScripts(client, ACCOUNT)).map((s) => s.id)).toEqual(["hello"]);
  });

  test("a POST that is not idempotent is sent once even when the emulator answers 503", async () => {
    emulator.injectFault({ method: "POST", path: `/accounts/${ACCOUNT}/workers/dispatch/namespaces`, status: 503, times: 3 });
    await expect(createNamespace(client, ACCOUNT, { name: "once" })).rejects.toMatchObject({ code: "CF_SERVER", attempts: 1 });
    expect(emulator.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  test("the parsed download body of a module Worker is the multipart of its modules", async () => {
    await upload({ accountId: ACCOUNT });
    const raw = await client.requestRaw({ method: "GET", path: `/accounts/${ACCOUNT}/workers/scripts/hello` });
    expect(parseModulesMultipart(raw.body, raw.headers["content-type"])).toEqual([MAIN, LIB, WASM]);
  });
});
