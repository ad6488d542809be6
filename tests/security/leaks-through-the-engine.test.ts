/**
 * The API token and secret values never leave where they belong. Whole engine runs (up, preview, refresh,
 * update, destroy, and failing runs: a bad token, errors whose bodies echo the token) are scanned: the
 * checkpoint text (with `__provider`), every outcome and error, the host's stdout/stderr, and the emulator's
 * request log. The secret value may exist only as a Pulumi secret (ciphertext in the checkpoint).
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { Engine, type StepReport } from "../engine/harness";
import { htmlPage } from "../reliability/helpers";
import { ACCOUNT, useEmulator } from "../support";

const PROGRAM = path.join(__dirname, "../../examples/worker-with-bindings/index.ts");
const TOKEN = `tok_${randomBytes(18).toString("hex")}`;
const BAD_TOKEN = `bad_${randomBytes(18).toString("hex")}`;
const SECRET = `secret_${randomBytes(18).toString("hex")}`;
const ROTATED = `rotated_${randomBytes(18).toString("hex")}`;

/** Everything the runs produced, for the scans. */
const produced: { what: string; text: string }[] = [];

function keep(what: string, engine: Engine, report?: StepReport): void {
  if (report) produced.push({ what: `${what}: report`, text: JSON.stringify(report) });
  produced.push({ what: `${what}: host log`, text: engine.hostLog() });
  produced.push({ what: `${what}: state`, text: engine.stateText() });
  produced.push({ what: `${what}: emulator log`, text: JSON.stringify(emulator.requests) });
}

function leaksOf(...values: string[]): string[] {
  return produced.filter((p) => values.some((v) => p.text.includes(v) || p.text.includes(encodeURIComponent(v)))).map((p) => p.what);
}

const emulator = useEmulator({ tokens: [TOKEN], keepState: true });
afterAll(() => {
  console.log(`leaks figures: ${JSON.stringify({ scanned: produced.length, chars: produced.reduce((n, p) => n + p.text.length, 0) })}`);
});

describe("with the token in stack config (cloudflare:apiToken)", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.start({
      env: { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: "" },
      stackConfig: { "cloudflare:apiToken": TOKEN },
    });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  it("up, preview, refresh, an update that rotates the secret, a failing up, and destroy leave the token and the secret nowhere", async () => {
    const up = await engine.up(PROGRAM, { secretConfig: { apiToken: SECRET } });
    expect(up.ok).toBe(true);
    keep("up", engine, up);
    const preview = await engine.preview(PROGRAM, { config: { greeting: "Hej" }, secretConfig: { apiToken: ROTATED } });
    keep("preview", engine, preview);
    const refresh = await engine.refresh();
    expect(refresh.ok).toBe(true);
    keep("refresh", engine, refresh);
    const update = await engine.up(PROGRAM, { config: { greeting: "Hej" }, secretConfig: { apiToken: ROTATED } });
    expect(update.ok).toBe(true);
    keep("update", engine, update);

    // The API answers with bodies that echo the token: an envelope error, and an HTML page from the edge.
    emulator.injectFault({
      method: "PATCH",
      path: /\/script-settings$/,
      times: 1,
      status: 400,
      body: { success: false, errors: [{ code: 10021, message: `token ${TOKEN} may not do that` }], messages: [], result: null },
    });
    const changedSettings = await engine.up(PROGRAM, {
      config: { greeting: "Hej", logpush: "false" },
      secretConfig: { apiToken: ROTATED },
    });
    expect(changedSettings.ok).toBe(false);
    expect(JSON.stringify(changedSettings.outcomes)).toMatch(/\[redacted\] may not do that/);
    keep("failing up (token echoed in an envelope error)", engine, changedSettings);
    emulator.injectFault({
      method: "PATCH",
      path: /\/script-settings$/,
      times: 5,
      status: 503,
      headers: { "content-type": "text/html" },
      body: htmlPage(503).replace("<title>", `<title>${TOKEN} `),
    });
    const html = await engine.up(PROGRAM, { config: { greeting: "Hej", logpush: "false" }, secretConfig: { apiToken: ROTATED } });
    expect(html.ok).toBe(false);
    keep("failing up (token echoed in an HTML page)", engine, html);

    const destroy = await engine.destroy();
    expect(destroy.ok).toBe(true);
    keep("destroy", engine, destroy);

    expect(leaksOf(TOKEN)).toEqual([]);
    // The secret values appear in no log, report or request log; in the checkpoint only as ciphertext.
    expect(leaksOf(SECRET, ROTATED)).toEqual([]);
  }, 180_000);

  it("__provider in state is the lazy provider: no token, no secret, no environment", async () => {
    const up = await engine.up(PROGRAM, { secretConfig: { apiToken: SECRET } });
    expect(up.ok).toBe(true);
    const providers = [...engine.state.values()].filter((r) => r.custom).map((r) => String(r.outputs.__provider));
    expect(providers).toHaveLength(6);
    for (const p of providers) {
      expect(p.length).toBeGreaterThan(0);
      expect(p).toContain("pulumi-cloudflare-workers/provider");
      expect(p).not.toContain(TOKEN);
      expect(p).not.toContain(SECRET);
      expect(p).not.toMatch(/CLOUDFLARE_API_TOKEN|apiToken\s*[:=]\s*["'`]/);
    }
    // The secret is a Pulumi secret in inputs and outputs, and the checkpoint holds it only encrypted.
    const secret = [...engine.state.values()].find((r) => r.type.endsWith(":WorkerSecret"))!;
    expect(secret.secretOutputKeys).toContain("text");
    expect(secret.inputSecretPaths).toContainEqual(["text"]);
    expect(engine.stateText()).not.toContain(SECRET);
    expect(JSON.stringify(secret.outputs)).toContain(SECRET); // in memory, the engine holds the plaintext to encrypt it
    keep("second up", engine, up);
    expect(leaksOf(TOKEN, SECRET)).toEqual([]);
    await engine.destroy();
  }, 120_000);
});

describe("with a wrong token in the environment", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.start({
      env: { CLOUDFLARE_API_BASE_URL: emulator.url, CLOUDFLARE_ACCOUNT_ID: ACCOUNT, CLOUDFLARE_API_TOKEN: BAD_TOKEN },
    });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  it("the up fails with an authentication error that names where the token came from, never its value", async () => {
    const up = await engine.up(PROGRAM, { secretConfig: { apiToken: SECRET } });
    expect(up.ok).toBe(false);
    const error = up.outcomes.find((o) => o.error)!.error!;
    expect(error).toMatch(/auth|token/i);
    expect(error).toContain("CLOUDFLARE_API_TOKEN");
    keep("up with a bad token", engine, up);
    const refresh = await engine.refresh();
    keep("refresh with a bad token", engine, refresh);
    expect(leaksOf(BAD_TOKEN)).toEqual([]);
    expect(leaksOf(SECRET)).toEqual([]);
    expect(emulator.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  }, 120_000);
});
