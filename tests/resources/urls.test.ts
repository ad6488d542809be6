/**
 * Where a Worker answers: the `url` of WorkerSubdomain, WorkerCustomDomain and WorkerRoute, a WorkerVersion's
 * preview URLs, and the error an account without a workers.dev subdomain gets (10063).
 */
import { z } from "zod";
import { DEFAULT_ZONE } from "../../emulator";
import { setSubdomain, uploadScript } from "../../provider/cloudflare";
import { workerCronTriggerProvider } from "../../provider/resources/worker-cron-trigger";
import { workerCustomDomainProvider } from "../../provider/resources/worker-custom-domain";
import { workerRouteProvider } from "../../provider/resources/worker-route";
import { workerSubdomainProvider } from "../../provider/resources/worker-subdomain";
import { workerVersionProvider, type WorkerVersionInputs } from "../../provider/resources/worker-version";
import { routeUrl } from "../../provider/resources/urls";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();
/** The emulator's workers.dev subdomain of the test account. */
const SUB = `emulator-${ACCOUNT.slice(0, 8)}`;

beforeEach(async () => {
  for (const name of ["api", "web"]) {
    await uploadScript(client(), scope, name, {
      metadata: { main_module: "w.js" },
      modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default { fetch() {} }") }],
    });
  }
  takeCalls(emulator);
});

async function rejection(promise: Promise<unknown>): Promise<Error & { property?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { property?: string };
  }
  throw new Error("expected the call to fail");
}

describe("WorkerSubdomain url", () => {
  it("outputs https://<script>.<account subdomain>.workers.dev, reading the account subdomain once per run", async () => {
    const a = await workerSubdomainProvider.create({ accountId: ACCOUNT, scriptName: "api", enabled: true });
    const b = await workerSubdomainProvider.create({ accountId: ACCOUNT, scriptName: "web", enabled: true });
    expect(a.outs!.url).toBe(`https://api.${SUB}.workers.dev`);
    expect(b.outs!.url).toBe(`https://web.${SUB}.workers.dev`);
    expect(takeCalls(emulator)).toEqual([
      "POST /workers/scripts/api/subdomain",
      "GET /workers/subdomain",
      "POST /workers/scripts/web/subdomain",
    ]);
  });

  it("has no url while disabled, and follows a change made outside Pulumi on read", async () => {
    const { id, outs } = await workerSubdomainProvider.create({ accountId: ACCOUNT, scriptName: "api", enabled: false });
    expect(outs!.url).toBeUndefined();
    expect(takeCalls(emulator)).toEqual(["POST /workers/scripts/api/subdomain"]);
    await setSubdomain(client(), scope, "api", { enabled: true, previews_enabled: false });
    newRun();
    const read = await workerSubdomainProvider.read(id, outs!);
    expect(read.props).toMatchObject({ enabled: true, url: `https://api.${SUB}.workers.dev` });
  });

  it("an account renamed outside Pulumi shows its new subdomain on the next run", async () => {
    const { id, outs } = await workerSubdomainProvider.create({ accountId: ACCOUNT, scriptName: "api", enabled: true });
    await client().request({
      method: "PUT",
      path: `/accounts/${ACCOUNT}/workers/subdomain`,
      json: { subdomain: "acme" },
      schema: z.unknown(),
    });
    newRun();
    expect((await workerSubdomainProvider.read(id, outs!)).props!.url).toBe("https://api.acme.workers.dev");
  });
});

describe("an account without a workers.dev subdomain (10063)", () => {
  beforeEach(async () => {
    await client().request({ method: "DELETE", path: `/accounts/${ACCOUNT}/workers/subdomain`, schema: z.unknown() });
    takeCalls(emulator);
  });

  it("WorkerSubdomain says, on enabled, how to register one", async () => {
    const error = await rejection(workerSubdomainProvider.create({ accountId: ACCOUNT, scriptName: "api", enabled: true }));
    expect(error).toMatchObject({ property: "enabled" });
    expect(error.message).toMatch(/has no workers\.dev subdomain yet \(Cloudflare answered code 10063/);
    expect(error.message).toContain(`https://dash.cloudflare.com/${ACCOUNT}/workers/onboarding`);
    // Disabling needs none.
    await expect(workerSubdomainProvider.create({ accountId: ACCOUNT, scriptName: "api", enabled: false })).resolves.toMatchObject({
      outs: { enabled: false },
    });
  });

  it("WorkerCronTrigger says, on crons, how to register one", async () => {
    const error = await rejection(workerCronTriggerProvider.create({ accountId: ACCOUNT, scriptName: "api", crons: ["*/5 * * * *"] }));
    expect(error).toMatchObject({ property: "crons" });
    expect(error.message).toMatch(
      /WorkerCronTrigger of Worker "api" in account \w+: crons: account \w+ has no workers\.dev subdomain yet.*workers\/onboarding/,
    );
  });
});

describe("WorkerVersion preview URLs", () => {
  const version = {
    accountId: ACCOUNT,
    scriptName: "api",
    content: "export default { fetch() { return new Response('v2') } }",
    compatibilityDate: "2025-01-01",
  } satisfies WorkerVersionInputs;

  it("outputs the version's preview URL and its alias's while the Worker's preview URLs are on", async () => {
    await setSubdomain(client(), scope, "api", { enabled: true, previews_enabled: true });
    takeCalls(emulator);
    const inputs = (await workerVersionProvider.check({}, { ...version, previewAlias: "feature-login" })).inputs as WorkerVersionInputs;
    const { outs } = await workerVersionProvider.create(inputs);
    const calls = takeCalls(emulator);
    expect(calls.slice(-3)).toEqual(["POST /workers/scripts/api/versions", "GET /workers/scripts/api/subdomain", "GET /workers/subdomain"]);
    expect(outs!.previewUrl).toBe(`https://${outs!.versionId!.slice(0, 8)}-api.${SUB}.workers.dev`);
    expect(outs!.previewAliasUrl).toBe(`https://feature-login-api.${SUB}.workers.dev`);
  });

  it("outputs none while preview URLs are off", async () => {
    const { outs } = await workerVersionProvider.create(version);
    expect(outs!.previewUrl).toBeUndefined();
    expect(outs!.previewAliasUrl).toBeUndefined();
  });

  it("refuses at check an alias that is not a DNS label or does not fit one with the script name", async () => {
    const bad = await workerVersionProvider.check({}, { ...version, previewAlias: "Feature/Login" });
    expect(bad.failures).toEqual([
      { property: "previewAlias", reason: expect.stringMatching(/^previewAlias "Feature\/Login": a preview alias is lower-case/) },
    ]);
    const long = await workerVersionProvider.check({}, { ...version, previewAlias: "a".repeat(60) });
    expect(long.failures).toEqual([
      {
        property: "previewAlias",
        reason: expect.stringContaining("longer than the 63 characters of a DNS label; use at most 59 characters"),
      },
    ]);
  });
});

describe("WorkerCustomDomain and WorkerRoute url", () => {
  it("a custom domain outputs https://<hostname>", async () => {
    const { outs } = await workerCustomDomainProvider.create({ accountId: ACCOUNT, hostname: "shop.example.com", scriptName: "api" });
    expect(outs!.url).toBe("https://shop.example.com");
  });

  it("a route outputs the URL its pattern serves, and none for a host wildcard", async () => {
    const { id, outs } = await workerRouteProvider.create({ zoneId: DEFAULT_ZONE.id, pattern: "example.com/api/*", scriptName: "api" });
    expect(outs!.url).toBe("https://example.com/api/");
    const moved = await workerRouteProvider.update(id, outs!, { zoneId: DEFAULT_ZONE.id, pattern: "*.example.com/*", scriptName: "api" });
    expect(moved.outs!.url).toBeUndefined();
    expect(routeUrl("http://Shop.Example.com")).toBe("http://shop.example.com/");
    expect(routeUrl("example.com/docs")).toBe("https://example.com/docs");
  });
});
