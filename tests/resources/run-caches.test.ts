/**
 * What one run shares (the account's script listing, a Worker's secrets list, the account's workers.dev
 * subdomain, the Workers the run uploaded) belongs to the client that read it: two clients never share it,
 * and `newRun()` forgets all of it at once.
 */
import { DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { CloudflareClient, putSecret, uploadScript } from "../../provider/cloudflare";
import { makeWorkerScriptProvider } from "../../provider/resources/worker-script";
import { makeWorkerScriptSettingsProvider } from "../../provider/resources/worker-script-settings";
import { makeWorkerSecretProvider } from "../../provider/resources/worker-secret";
import { makeWorkerSubdomainProvider } from "../../provider/resources/worker-subdomain";
import { ACCOUNT, client, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();

function newClient(): CloudflareClient {
  return new CloudflareClient({ baseUrl: emulator.url, apiToken: DEFAULT_EMULATOR_TOKEN });
}

/** A user's program's resources, all made with one client (as the provider process makes them with its default). */
function providersOf(api: CloudflareClient) {
  return {
    script: makeWorkerScriptProvider(api),
    settings: makeWorkerScriptSettingsProvider(api),
    secret: makeWorkerSecretProvider(api),
    subdomain: makeWorkerSubdomainProvider(api),
  };
}

const MODULE = { name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default { fetch() {} }") };

beforeEach(async () => {
  for (const name of ["api", "web"]) {
    await uploadScript(client(), scope, name, { metadata: { main_module: "w.js" }, modules: [MODULE] });
    await putSecret(client(), scope, name, { name: "TOKEN", type: "secret_text", text: "secret-value-0001" });
  }
  takeCalls(emulator);
});

const settingsOf = (scriptName: string) => ({ accountId: ACCOUNT, scriptName, logpush: false });
const secretOf = (scriptName: string, name = "TOKEN") => ({ accountId: ACCOUNT, scriptName, name, text: "secret-value-0001" });

describe("one run of one client", () => {
  it("reads the account listing once for every Worker's settings, and a Worker's secrets list once for all its secrets", async () => {
    const { settings, secret } = providersOf(newClient());
    await settings.read("api", settingsOf("api"));
    await settings.read("web", settingsOf("web"));
    await secret.read("api/TOKEN", secretOf("api"));
    await secret.read("api/OTHER", secretOf("api", "OTHER"));
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts", "GET /workers/scripts/api/secrets"]);
  });
});

describe("two clients", () => {
  it("do not share an account listing, a secrets list or the account's workers.dev subdomain", async () => {
    const first = providersOf(newClient());
    const second = providersOf(newClient());
    await first.settings.read("api", settingsOf("api"));
    await first.secret.read("api/TOKEN", secretOf("api"));
    await first.subdomain.create({ accountId: ACCOUNT, scriptName: "api", enabled: true });
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts",
      "GET /workers/scripts/api/secrets",
      "POST /workers/scripts/api/subdomain",
      "GET /workers/subdomain",
    ]);
    await second.settings.read("web", settingsOf("web"));
    await second.secret.read("api/TOKEN", secretOf("api"));
    await second.subdomain.create({ accountId: ACCOUNT, scriptName: "web", enabled: true });
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts",
      "GET /workers/scripts/api/secrets",
      "POST /workers/scripts/web/subdomain",
      "GET /workers/subdomain",
    ]);
  });

  it("do not share the Workers a run uploaded: only the uploading client's secrets skip the existence check", async () => {
    const uploader = newClient();
    const other = newClient();
    await providersOf(uploader).script.create({
      accountId: ACCOUNT,
      scriptName: "fresh",
      modules: { "w.js": { content: "export default { fetch() {} }" } },
      mainModule: "w.js",
      compatibilityDate: "2025-09-01",
    });
    takeCalls(emulator);
    await providersOf(uploader).secret.create(secretOf("fresh", "A"));
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/fresh/secrets"]);
    await providersOf(other).secret.create(secretOf("fresh", "B"));
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/fresh/secrets", "PUT /workers/scripts/fresh/secrets"]);
  });
});

describe("newRun()", () => {
  it("forgets every answer the client kept: listing, secrets lists, workers.dev subdomain and the Workers it uploaded", async () => {
    const api = newClient();
    const { script, settings, secret, subdomain } = providersOf(api);
    await script.create({
      accountId: ACCOUNT,
      scriptName: "fresh",
      modules: { "w.js": { content: "export default { fetch() {} }" } },
      mainModule: "w.js",
      compatibilityDate: "2025-09-01",
    });
    await settings.read("api", settingsOf("api"));
    await secret.read("api/TOKEN", secretOf("api"));
    await subdomain.create({ accountId: ACCOUNT, scriptName: "api", enabled: true });
    takeCalls(emulator);

    const again = async () => {
      await settings.read("api", settingsOf("api"));
      await secret.read("api/TOKEN", secretOf("api"));
      await subdomain.read("api", { accountId: ACCOUNT, scriptName: "api", enabled: true });
      await secret.create(secretOf("fresh", `S${Date.now()}`));
      return takeCalls(emulator);
    };
    expect(await again()).toEqual(["GET /workers/scripts/api/subdomain", "PUT /workers/scripts/fresh/secrets"]);
    api.newRun();
    expect(await again()).toEqual([
      "GET /workers/scripts",
      "GET /workers/scripts/api/secrets",
      "GET /workers/scripts/api/subdomain",
      "GET /workers/subdomain",
      "GET /workers/scripts/fresh/secrets",
      "PUT /workers/scripts/fresh/secrets",
    ]);
  });
});
