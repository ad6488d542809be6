/**
 * The emulator running the Workers deployed to it (`runWorkers`): what a request to the emulator's port gets
 * back, through the API calls a deploy makes. One emulator for the file; each test deploys its own Workers.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { FormData, request } from "undici";
import { VERSION_OVERRIDES_HEADER } from "../../emulator";
import { deploy, TestApi, uploadForm } from "./helpers";
import { ACCOUNT, useEmulator } from "../support";

const emulator = useEmulator({ runWorkers: true, keepState: true });
const api = new TestApi(emulator);
let origin: string;

beforeAll(() => {
  origin = new URL(emulator.url).origin;
});

const SUBDOMAIN = `emulator-${ACCOUNT.slice(0, 8)}`;
const ZONE_ID = "5f1e0d9c8b7a69584736251403f2e1d0";

/** GET (or another method) on the emulator's port with a Host header. */
async function get(host: string, path = "/", headers: Record<string, string> = {}, method = "GET", body?: string) {
  const res = await request(`${origin}${path}`, {
    method: method as "GET",
    headers: { host, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.statusCode, text: await res.body.text(), headers: res.headers };
}

const js = (body: string) => [{ name: "index.js", content: body }];

async function ok(res: Promise<{ status: number; raw: Buffer }>) {
  const r = await res;
  if (r.status !== 200) throw new Error(`API call failed: ${r.status} ${r.raw.toString()}`);
  return r;
}

describe("a deployed Worker answers on the emulator's port", () => {
  it("runs the code with its plain_text, json, secret_text and version_metadata bindings, by workers.dev Host once the subdomain is enabled", async () => {
    const res = await deploy(
      api,
      "echo",
      {
        bindings: [
          { type: "plain_text", name: "GREETING", text: "Hello" },
          { type: "json", name: "CONFIG", json: { punctuation: "!" } },
          { type: "secret_text", name: "TOKEN", text: "s3cret" },
          { type: "version_metadata", name: "VERSION" },
        ],
      },
      js(
        `export default { fetch(req, env) { const u = new URL(req.url); return Response.json({ text: env.GREETING + env.CONFIG.punctuation, token: env.TOKEN, version: env.VERSION.id, path: u.pathname + u.search }); } };`,
      ),
    );
    const versionId = (await api.call("GET", "/workers/scripts/echo/versions")).json.result.items[0].id as string;
    expect(res.status).toBe(200);
    const disabled = await get(`echo.${SUBDOMAIN}.workers.dev`);
    expect(disabled.status).toBe(404);
    expect(disabled.text).toMatch(/workers\.dev subdomain of echo is disabled/);

    await ok(api.call("POST", "/workers/scripts/echo/subdomain", { json: { enabled: true } }));
    const answer = await get(`echo.${SUBDOMAIN}.workers.dev`, "/a/b?c=1");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ text: "Hello!", token: "s3cret", version: versionId, path: "/a/b?c=1" });
  });

  it("sees a secret rotation, a binding change and a code change in the next response", async () => {
    const code = (label: string) =>
      js(`export default { fetch(req, env) { return new Response("${label} " + env.GREETING + " " + env.TOKEN); } };`);
    await deploy(api, "rotating", { bindings: [{ type: "plain_text", name: "GREETING", text: "Hello" }] }, code("v1"));
    await ok(api.call("PUT", "/workers/scripts/rotating/secrets", { json: { name: "TOKEN", type: "secret_text", text: "first" } }));
    expect((await get("localhost", "/__workers/rotating/")).text).toBe("v1 Hello first");

    await ok(api.call("PUT", "/workers/scripts/rotating/secrets", { json: { name: "TOKEN", type: "secret_text", text: "second" } }));
    expect((await get("localhost", "/__workers/rotating/")).text).toBe("v1 Hello second");

    await deploy(
      api,
      "rotating",
      { bindings: [{ type: "plain_text", name: "GREETING", text: "Bonjour" }], keep_bindings: ["secret_text"] },
      code("v2"),
    );
    expect((await get("localhost", "/__workers/rotating/")).text).toBe("v2 Bonjour second");
  });

  it("passes the method, headers and body through, and answers the Worker's status and headers", async () => {
    await deploy(
      api,
      "mirror",
      {},
      js(
        `export default { async fetch(req) { return new Response(req.method + " " + req.headers.get("x-test") + " " + await req.text(), { status: 201, headers: { "x-worker": "yes" } }); } };`,
      ),
    );
    const answer = await get("localhost", "/__workers/mirror/echo", { "x-test": "hdr" }, "POST", "payload");
    expect(answer).toMatchObject({ status: 201, text: "POST hdr payload" });
    expect(answer.headers["x-worker"]).toBe("yes");
  });

  it("shares KV by namespace id between Workers, and calls another Worker through a service binding", async () => {
    const NS = "0f0e0d0c0b0a09080706050403020100";
    await deploy(
      api,
      "kv-reader",
      { bindings: [{ type: "kv_namespace", name: "STORE", namespace_id: NS }] },
      js(`export default { async fetch(req, env) { return new Response("reader sees " + await env.STORE.get("greeting")); } };`),
    );
    await deploy(
      api,
      "kv-writer",
      {
        bindings: [
          { type: "kv_namespace", name: "CACHE", namespace_id: NS },
          { type: "service", name: "READER", service: "kv-reader" },
        ],
      },
      js(
        `export default { async fetch(req, env) { await env.CACHE.put("greeting", "written by kv-writer"); return env.READER.fetch("https://reader/"); } };`,
      ),
    );
    expect((await get("localhost", "/__workers/kv-writer/")).text).toBe("reader sees written by kv-writer");
    expect((await get("localhost", "/__workers/kv-reader/")).text).toBe("reader sees written by kv-writer");
  });

  it("dispatches zone routes to the most specific pattern, custom domains before routes, and a route without a Worker to none", async () => {
    const named = (label: string) => js(`export default { fetch() { return new Response("${label}"); } };`);
    await deploy(api, "site-wide", {}, named("site-wide"));
    await deploy(api, "api-only", {}, named("api-only"));
    await deploy(api, "shop", {}, named("shop"));
    for (const [pattern, script] of [
      ["*example.com/*", "site-wide"],
      ["www.example.com/api/*", "api-only"],
      ["www.example.com/api/static/*", undefined],
    ] as const) {
      await ok(api.call("POST", `//zones/${ZONE_ID}/workers/routes`, { json: { pattern, ...(script === undefined ? {} : { script }) } }));
    }
    await ok(api.call("PUT", "/workers/domains", { json: { hostname: "shop.example.com", service: "shop", zone_id: ZONE_ID } }));

    expect((await get("www.example.com", "/api/users")).text).toBe("api-only");
    expect((await get("www.example.com", "/about")).text).toBe("site-wide");
    expect((await get("example.com", "/")).text).toBe("site-wide");
    expect((await get("shop.example.com", "/api/users")).text).toBe("shop");
    const off = await get("www.example.com", "/api/static/logo.png");
    expect(off.status).toBe(404);
    expect(off.text).toMatch(/route .* has no Worker/);
  });

  it("serves static assets with html_handling and not_found_handling, and runs the Worker first where run_worker_first says", async () => {
    const files: Record<string, string> = {
      "/index.html": "<h1>home</h1>",
      "/about/index.html": "<h1>about</h1>",
      "/404.html": "<h1>lost</h1>",
    };
    const hashOf = (content: string) => createHash("sha256").update(content).digest("hex").slice(0, 32);
    const manifest = Object.fromEntries(Object.entries(files).map(([p, c]) => [p, { hash: hashOf(c), size: c.length }]));
    const session = await ok(api.call("POST", "/workers/scripts/static-site/assets-upload-session", { json: { manifest } }));
    const { jwt, buckets } = JSON.parse(session.raw.toString()).result as { jwt: string; buckets: string[][] };
    let completion = jwt;
    for (const bucket of buckets) {
      const form = new FormData();
      for (const h of bucket) {
        const content = Object.values(files).find((c) => hashOf(c) === h)!;
        form.append(h, new Blob([Buffer.from(content).toString("base64")], { type: "text/html" }), h);
      }
      const res = await api.call("POST", "/workers/assets/upload?base64=true", { form, auth: { authorization: `Bearer ${jwt}` } });
      if (res.status === 201) completion = res.json.result.jwt as string;
    }
    await deploy(
      api,
      "static-site",
      {
        assets: {
          jwt: completion,
          config: { html_handling: "auto-trailing-slash", not_found_handling: "404-page", run_worker_first: ["/api/*"] },
        },
        bindings: [{ type: "assets", name: "ASSETS" }],
      },
      js(`export default { fetch(req, env) { return new Response("worker " + new URL(req.url).pathname); } };`),
    );
    expect(await get("localhost", "/__workers/static-site/")).toMatchObject({ status: 200, text: "<h1>home</h1>" });
    expect(await get("localhost", "/__workers/static-site/about/")).toMatchObject({ status: 200, text: "<h1>about</h1>" });
    expect((await get("localhost", "/__workers/static-site/about")).status).toBe(307);
    expect(await get("localhost", "/__workers/static-site/api/users")).toMatchObject({ status: 200, text: "worker /api/users" });
    // No asset, not run_worker_first, and not_found_handling "404-page": the 404 page, not the Worker (the
    // decision of Cloudflare's own assets router, cloudflare/workers-sdk packages/workers-shared, which miniflare runs).
    expect(await get("localhost", "/__workers/static-site/missing")).toMatchObject({ status: 404, text: "<h1>lost</h1>" });
  });

  it("fires scheduled() for one of the Worker's cron triggers", async () => {
    const NS = "1f1e1d1c1b1a19181716151413121110";
    await deploy(
      api,
      "cron-worker",
      { bindings: [{ type: "kv_namespace", name: "LOG", namespace_id: NS }] },
      js(
        `export default { async fetch(req, env) { return new Response("last cron: " + await env.LOG.get("cron")); }, async scheduled(event, env) { await env.LOG.put("cron", event.cron); } };`,
      ),
    );
    await ok(api.call("PUT", "/workers/scripts/cron-worker/schedules", { json: [{ cron: "*/5 * * * *" }, { cron: "0 3 * * *" }] }));
    const fired = await request(`${origin}/__emulator/scheduled`, {
      method: "POST",
      body: JSON.stringify({ script: "cron-worker", cron: "0 3 * * *" }),
    });
    expect(fired.statusCode).toBe(200);
    expect(((await fired.body.json()) as { result: { outcome: string } }).result.outcome).toBe("ok");
    expect((await get("localhost", "/__workers/cron-worker/")).text).toBe("last cron: 0 3 * * *");

    const unknown = await request(`${origin}/__emulator/scheduled`, {
      method: "POST",
      body: JSON.stringify({ script: "cron-worker", cron: "1 1 * * *" }),
    });
    expect(unknown.statusCode).toBe(400);
    const refusal = (await unknown.body.json()) as { errors: { message: string }[] };
    expect(refusal.errors[0]!.message).toBe('"1 1 * * *" is not a cron trigger of cron-worker ("*/5 * * * *", "0 3 * * *")');
  });

  it("splits a 10/90 deployment by its percentages and pins a version with Cloudflare-Workers-Version-Overrides", async () => {
    await deploy(api, "split", {}, js(`export default { fetch() { return new Response("stable"); } };`));
    const stable = (await api.call("GET", "/workers/scripts/split/versions")).json.result.items[0].id as string;
    const upload = await ok(
      api.call("POST", "/workers/scripts/split/versions", {
        form: uploadForm({ compatibility_date: "2025-01-01" }, js(`export default { fetch() { return new Response("canary"); } };`)),
      }),
    );
    const canary = JSON.parse(upload.raw.toString()).result.id as string;
    await ok(
      api.call("POST", "/workers/scripts/split/deployments", {
        json: {
          strategy: "percentage",
          versions: [
            { version_id: canary, percentage: 10 },
            { version_id: stable, percentage: 90 },
          ],
        },
      }),
    );
    const counts: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const text = (await get("localhost", "/__workers/split/")).text;
      counts[text] = (counts[text] ?? 0) + 1;
    }
    // 400 draws at 10%: 40 expected, standard deviation 6; 15..70 is more than four deviations either way.
    expect(counts.canary).toBeGreaterThan(15);
    expect(counts.canary).toBeLessThan(70);
    expect(counts.stable! + counts.canary!).toBe(400);

    for (let i = 0; i < 20; i++) {
      const pinned = await get("localhost", "/__workers/split/", { [VERSION_OVERRIDES_HEADER]: `split="${canary}"` });
      expect(pinned.text).toBe("canary");
    }
  }, 60_000);
});

describe("without runWorkers", () => {
  it("answers requests outside the API with the API's 404, and never loads miniflare", async () => {
    const script = `
      const { startEmulator } = require("./emulator");
      startEmulator().then(async (e) => {
        const res = await fetch(new URL(e.url).origin + "/__workers/x/", { headers: { host: "x.example.com" } });
        console.log(res.status, Object.keys(require.cache).some((k) => k.includes("node_modules/miniflare")));
        await e.close();
      });`;
    const run = spawnSync(require.resolve("tsx/cli"), ["-e", script], { cwd: path.join(__dirname, "..", ".."), encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("404 false");
  });
});
