/**
 * WorkerCronTrigger, WorkerRoute and WorkerCustomDomain: check, and each lifecycle against the emulator with
 * the exact API calls (create → read → no-op diff → update → a change made outside Pulumi → delete).
 */
import { DEFAULT_ZONE } from "../../emulator";
import {
  CloudflareClient,
  deleteScript,
  getSchedules,
  listDomains,
  listRoutes,
  putDomain,
  putSchedules,
  updateRoute,
  uploadScript,
  createRoute,
} from "../../provider/cloudflare";
import {
  makeWorkerCronTriggerProvider,
  workerCronTriggerProvider,
  type WorkerCronTriggerInputs,
} from "../../provider/resources/worker-cron-trigger";
import { workerCustomDomainProvider, type WorkerCustomDomainInputs } from "../../provider/resources/worker-custom-domain";
import { workerRouteProvider, type WorkerRouteInputs } from "../../provider/resources/worker-route";
import { ACCOUNT, client, scope, takeCalls, useEmulator, withEmulator } from "../support";

const ZONE = DEFAULT_ZONE.id;
const ORG_ZONE = { id: "ab".repeat(16), name: "example.org", dnsRecords: ["legacy.example.org"] };

const emulator = useEmulator({ zones: [DEFAULT_ZONE, ORG_ZONE] });

async function deployWorker(name: string): Promise<void> {
  await uploadScript(client(), scope, name, {
    metadata: { main_module: "w.js" },
    modules: [
      { name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default { fetch() {}, scheduled() {} }") },
    ],
  });
}

beforeEach(async () => {
  await deployWorker("api");
  await deployWorker("other");
  takeCalls(emulator);
});

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { property?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { property?: string };
  }
  throw new Error("expected the call to fail");
}

/** check, then the outputs of a fresh check as the engine would pass them. */
async function checked<T>(
  provider: { check(olds: never, news: never): Promise<{ inputs?: unknown; failures?: unknown[] }> },
  news: T,
): Promise<T> {
  const result = await provider.check({} as never, news as never);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs as T;
}

describe("WorkerCronTrigger", () => {
  const base = { accountId: ACCOUNT, scriptName: "api", crons: ["*/5 * * * *", "0 18 * * FRIL"] } satisfies WorkerCronTriggerInputs;

  it("refuses at check a minute of 61, weekday 0, a duplicate schedule and a missing list, naming the property and the expression", async () => {
    const bad = await workerCronTriggerProvider.check({}, { ...base, crons: ["61 * * * *", "0 0 * * 0", "*/30 * * * *", "0,30 * * * *"] });
    expect(bad.failures).toEqual([
      { property: "crons", reason: 'crons[0]: cron "61 * * * *": the minute field "61": 61 is out of range 0-59' },
      { property: "crons", reason: expect.stringMatching(/^crons\[1\]: cron "0 0 \* \* 0": the day of week field .*1 = Sunday/) },
      {
        property: "crons",
        reason: 'crons[3]: cron "0,30 * * * *" is the same schedule as "*/30 * * * *"; Cloudflare refuses duplicates: remove one',
      },
    ]);
    expect((await workerCronTriggerProvider.check({}, { accountId: ACCOUNT, scriptName: "api" })).failures).toEqual([
      { property: "crons", reason: expect.stringContaining("crons: required") },
    ]);
    const ns = await workerCronTriggerProvider.check({}, { ...base, dispatchNamespace: "ns" });
    expect(ns.failures).toEqual([{ property: "dispatchNamespace", reason: expect.stringContaining("dispatch namespace") }]);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("creates, reads, diffs without a call, updates, sees a change made outside Pulumi, and deletes", async () => {
    const inputs = await checked(workerCronTriggerProvider, base);
    const { id, outs } = await workerCronTriggerProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules", "PUT /workers/scripts/api/schedules"]);
    expect(id).toBe(`${ACCOUNT}/api/schedules`);
    expect((await getSchedules(client(), ACCOUNT, "api")).schedules.map((s) => s.cron)).toEqual(base.crons);
    takeCalls(emulator);

    const read = await workerCronTriggerProvider.read(id, outs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules"]);
    expect(read.props).toEqual(outs);
    expect(await workerCronTriggerProvider.diff(id, read.props!, inputs)).toMatchObject({ changes: false, replaces: [] });
    // Order never matters.
    expect((await workerCronTriggerProvider.diff(id, read.props!, { ...inputs, crons: [...base.crons].reverse() })).changes).toBe(false);
    expect(takeCalls(emulator)).toEqual([]);

    const changed = { ...inputs, crons: ["0 * * * *"] };
    expect(await workerCronTriggerProvider.diff(id, outs!, changed)).toMatchObject({ changes: true, replaces: [] });
    const updated = await workerCronTriggerProvider.update(id, outs!, changed);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/api/schedules"]);

    await putSchedules(client(), ACCOUNT, "api", ["15 3 * * *"]); // the dashboard
    takeCalls(emulator);
    const drifted = await workerCronTriggerProvider.read(id, updated.outs!);
    expect(drifted.props!.crons).toEqual(["15 3 * * *"]);
    expect(await workerCronTriggerProvider.diff(id, drifted.props!, changed)).toMatchObject({ changes: true });
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules"]);

    await workerCronTriggerProvider.delete(id, updated.outs!);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/scripts/api/schedules"]);
    expect((await getSchedules(client(), ACCOUNT, "api")).schedules).toEqual([]);
  });

  it("refuses to overwrite cron triggers set elsewhere; with adopt takes them over, writing nothing when they are as wanted", async () => {
    await putSchedules(client(), ACCOUNT, "api", ["1 * * * *"]);
    takeCalls(emulator);
    await expect(workerCronTriggerProvider.create(base)).rejects.toThrow(/already has cron triggers \["1 \* \* \* \*"\].*adopt: true/);
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules"]);
    await workerCronTriggerProvider.create({ ...base, adopt: true });
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules", "PUT /workers/scripts/api/schedules"]);
    await workerCronTriggerProvider.create({ ...base, crons: [...base.crons].reverse(), adopt: true });
    expect(takeCalls(emulator)).toEqual(["GET /workers/scripts/api/schedules"]);
  });

  it("reads its Worker's deletion as its own", async () => {
    const { id, outs } = await workerCronTriggerProvider.create(base);
    await deleteScript(client(), scope, "api");
    expect(await workerCronTriggerProvider.read(id, outs)).toEqual({});
    await expect(workerCronTriggerProvider.delete(id, outs!)).resolves.toBeUndefined();
  });

  it("turns the plan's limit into an error naming crons and the fix", async () => {
    await withEmulator({ cronTriggerLimit: 5 }, async (free) => {
      const c = new CloudflareClient({ baseUrl: free.url, accountId: ACCOUNT });
      await uploadScript(c, scope, "api", {
        metadata: { main_module: "w.js" },
        modules: [{ name: "w.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
      });
      const provider = makeWorkerCronTriggerProvider(c);
      const six = ["1 * * * *", "2 * * * *", "3 * * * *", "4 * * * *", "5 * * * *", "6 * * * *"];
      const error = await rejection(provider.create({ ...base, crons: six }));
      expect(error).toMatchObject({ property: "crons" });
      expect(error.message).toMatch(
        /WorkerCronTrigger crons of Worker "api" in account \w+: Cloudflare refused .*allows 5 cron triggers.*\(code 10072\); remove cron triggers/,
      );
    });
  });
});

describe("WorkerRoute", () => {
  const base = { zoneId: ZONE, pattern: "example.com/api/*", scriptName: "api" } satisfies WorkerRouteInputs;
  const routesPath = `/zones/${ZONE}/workers/routes`;

  it("refuses at check an infix wildcard, a query, a bad zone id and a bad Worker name, naming each property", async () => {
    const bad = await workerRouteProvider.check({}, { zoneId: "example.com", pattern: "example.com/*.jpg", scriptName: "API" });
    expect(bad.failures).toEqual([
      { property: "zoneId", reason: expect.stringMatching(/^zoneId "example.com": a zone id is 32 lower-case hexadecimal/) },
      { property: "pattern", reason: expect.stringMatching(/^pattern: "example.com\/\*.jpg" has `\*` inside the path/) },
      { property: "scriptName", reason: expect.stringMatching(/^scriptName "API": /) },
    ]);
    expect((await workerRouteProvider.check({}, { ...base, pattern: "example.com/?a=*" })).failures).toEqual([
      { property: "pattern", reason: expect.stringContaining("route patterns may not contain query parameters") },
    ]);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("creates, reads, diffs without a call, updates the pattern in place, sees a change made outside Pulumi, and deletes", async () => {
    const inputs = await checked(workerRouteProvider, base);
    const { id, outs } = await workerRouteProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual([`POST ${routesPath}`]);
    const routeId = outs!.routeId;
    expect(id).toBe(`${ZONE}/${routeId}`);
    expect(outs).toEqual({ ...base, routeId, url: "https://example.com/api/" });

    const read = await workerRouteProvider.read(id, outs);
    expect(takeCalls(emulator)).toEqual([`GET ${routesPath}/${routeId}`]);
    expect(read.props).toEqual(outs);
    expect(await workerRouteProvider.diff(id, read.props!, inputs)).toMatchObject({ changes: false, replaces: [] });
    expect((await workerRouteProvider.diff(id, read.props!, { ...inputs, pattern: "EXAMPLE.com/api/*" })).changes).toBe(false);
    expect(takeCalls(emulator)).toEqual([]);

    const moved = { ...inputs, pattern: "www.example.com/*" };
    expect(await workerRouteProvider.diff(id, outs!, moved)).toMatchObject({ changes: true, replaces: [] });
    expect(await workerRouteProvider.diff(id, outs!, { ...inputs, zoneId: ORG_ZONE.id })).toMatchObject({ replaces: ["zoneId"] });
    const updated = await workerRouteProvider.update(id, outs!, moved);
    expect(takeCalls(emulator)).toEqual([`PUT ${routesPath}/${routeId}`]);
    expect(updated.outs).toEqual({ ...moved, routeId, url: "https://www.example.com/" });

    await updateRoute(client(), ZONE, routeId, { pattern: "www.example.com/*", script: "other" }); // the dashboard
    takeCalls(emulator);
    const drifted = await workerRouteProvider.read(id, updated.outs!);
    expect(drifted.props).toMatchObject({ scriptName: "other", pattern: "www.example.com/*" });
    expect(await workerRouteProvider.diff(id, drifted.props!, moved)).toMatchObject({ changes: true, replaces: [] });
    expect(takeCalls(emulator)).toEqual([`GET ${routesPath}/${routeId}`]);

    await workerRouteProvider.delete(id, updated.outs!);
    expect(takeCalls(emulator)).toEqual([`DELETE ${routesPath}/${routeId}`]);
    expect(await listRoutes(client(), ZONE)).toEqual([]);
    expect(await workerRouteProvider.read(id, updated.outs!)).toEqual({});
  });

  it("names the pattern and the zone when the pattern is on another zone", async () => {
    const error = await rejection(workerRouteProvider.create({ ...base, pattern: "example.org/*" }));
    expect(error).toMatchObject({ property: "pattern" });
    expect(error.message).toMatch(
      /^WorkerRoute pattern "example.org\/\*": refused on zone example.com \([0-9a-f]{32}\): .*\(code 10022\); a pattern's host must be the zone example.com/,
    );
  });

  it("names the other Worker when it holds the pattern, and takes the route over with adopt", async () => {
    await createRoute(client(), ZONE, { pattern: "example.com/api/*", script: "other" });
    takeCalls(emulator);
    const error = await rejection(workerRouteProvider.create(base));
    expect(error.message).toMatch(
      /^WorkerRoute pattern "example.com\/api\/\*": already routed to Worker "other" \(route [0-9a-f]{32}\) on zone .*set adopt: true/,
    );
    takeCalls(emulator);
    const { outs } = await workerRouteProvider.create({ ...base, adopt: true });
    expect(takeCalls(emulator)).toEqual([`GET ${routesPath}`, `PUT ${routesPath}/${outs!.routeId}`]);
    expect((await listRoutes(client(), ZONE)).map((r) => r.script)).toEqual(["api"]);
  });

  it("recognises its own route after a lost answer (same pattern, same Worker) instead of failing", async () => {
    const ours = await createRoute(client(), ZONE, { pattern: base.pattern, script: "api" });
    const { outs } = await workerRouteProvider.create(base);
    expect(outs!.routeId).toBe(ours.id);
  });

  it("names scriptName when the Worker does not exist", async () => {
    const error = await rejection(workerRouteProvider.create({ ...base, scriptName: "ghost" }));
    expect(error).toMatchObject({ property: "scriptName" });
    expect(error.message).toMatch(/^WorkerRoute scriptName: Worker "ghost" does not exist in the zone's account .*\(code 10019\)/);
  });
});

describe("WorkerCustomDomain", () => {
  const base = { accountId: ACCOUNT, hostname: "app.example.com", scriptName: "api" } satisfies WorkerCustomDomainInputs;

  it("refuses at check a hostname with a space, upper case, a wildcard or an IP address, naming hostname", async () => {
    for (const [hostname, reason] of [
      ["app example.com", "contains white space"],
      ["App.example.com", "has upper-case letters: write it in lower case"],
      ["*.example.com", "contains `*`: a custom domain is one exact hostname (use a WorkerRoute for wildcards)"],
      ["https://app.example.com", "is a URL, not a hostname: write only the host, e.g. app.example.com"],
      ...["192.0.2.10", "2001:db8::10", "[2001:db8::10]", "::ffff:192.0.2.10"].map((ip) => [
        ip,
        "is an IP address, which no zone can hold: a custom domain is a hostname in one of the account's zones, e.g. app.example.com",
      ]),
    ]) {
      const result = await workerCustomDomainProvider.check({}, { ...base, hostname });
      expect(result.failures).toEqual([{ property: "hostname", reason: `hostname ${JSON.stringify(hostname)}: ${reason}` }]);
    }
    expect((await workerCustomDomainProvider.check({}, { ...base, zoneId: "nope" })).failures).toEqual([
      { property: "zoneId", reason: expect.stringMatching(/^zoneId "nope": /) },
    ]);
    expect(takeCalls(emulator)).toEqual([]);
  });

  it("creates, reads, diffs without a call, moves to another Worker in place, sees a change made outside Pulumi, and deletes", async () => {
    const inputs = await checked(workerCustomDomainProvider, base);
    const { id, outs } = await workerCustomDomainProvider.create(inputs);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/domains"]);
    const domainId = outs!.domainId;
    expect(id).toBe(`${ACCOUNT}/${domainId}`);
    expect(outs).toEqual({ ...base, domainId, zoneName: "example.com", certId: expect.any(String), url: `https://${base.hostname}` });

    const read = await workerCustomDomainProvider.read(id, outs);
    expect(takeCalls(emulator)).toEqual([`GET /workers/domains/${domainId}`]);
    expect(read.props).toEqual(outs);
    expect(await workerCustomDomainProvider.diff(id, read.props!, inputs)).toMatchObject({ changes: false, replaces: [] });
    expect(takeCalls(emulator)).toEqual([]);

    expect(await workerCustomDomainProvider.diff(id, outs!, { ...inputs, hostname: "www.example.com" })).toMatchObject({
      changes: true,
      replaces: ["hostname"],
    });
    const toOther = { ...inputs, scriptName: "other" };
    expect(await workerCustomDomainProvider.diff(id, outs!, toOther)).toMatchObject({ changes: true, replaces: [] });
    const updated = await workerCustomDomainProvider.update(id, outs!, toOther);
    expect(takeCalls(emulator)).toEqual(["PUT /workers/domains"]);
    expect(updated.outs).toMatchObject({ scriptName: "other", domainId });

    await putDomain(client(), ACCOUNT, { hostname: "app.example.com", service: "api", override_existing_origin: true }); // the dashboard
    takeCalls(emulator);
    const drifted = await workerCustomDomainProvider.read(id, updated.outs!);
    expect(drifted.props).toMatchObject({ scriptName: "api" });
    expect(await workerCustomDomainProvider.diff(id, drifted.props!, toOther)).toMatchObject({ changes: true, replaces: [] });
    expect(takeCalls(emulator)).toEqual([`GET /workers/domains/${domainId}`]);

    await workerCustomDomainProvider.delete(id, updated.outs!);
    expect(takeCalls(emulator)).toEqual([`DELETE /workers/domains/${domainId}`]);
    expect(await listDomains(client(), ACCOUNT)).toEqual([]);
    expect(await workerCustomDomainProvider.read(id, updated.outs!)).toEqual({});
  });

  it("names the hostname when it is in no zone of the account", async () => {
    const error = await rejection(workerCustomDomainProvider.create({ ...base, hostname: "app.elsewhere.net" }));
    expect(error).toMatchObject({ property: "hostname" });
    expect(error.message).toMatch(
      /^WorkerCustomDomain hostname "app.elsewhere.net": refused \(.*\(code 100112\)\); the hostname must be a zone of account/,
    );
  });

  it("names the Worker holding the hostname, and moves it with overrideExistingOrigin or adopt", async () => {
    await putDomain(client(), ACCOUNT, { hostname: base.hostname, service: "other" });
    const error = await rejection(workerCustomDomainProvider.create(base));
    expect(error.message).toMatch(
      /^WorkerCustomDomain hostname "app.example.com": already the custom domain of Worker "other" in account \w+ .*set overrideExistingOrigin: true/,
    );
    takeCalls(emulator);
    const { outs } = await workerCustomDomainProvider.create({ ...base, adopt: true });
    expect(takeCalls(emulator)).toEqual(["GET /workers/domains?hostname=app.example.com", "PUT /workers/domains"]);
    expect(outs!.scriptName).toBe("api");
    // Adopting a domain already as wanted writes nothing.
    await workerCustomDomainProvider.create({ ...base, adopt: true });
    expect(takeCalls(emulator)).toEqual(["GET /workers/domains?hostname=app.example.com"]);
  });

  it("asks for overrideExistingDnsRecord when DNS records hold the hostname", async () => {
    const conflict = { ...base, hostname: "legacy.example.org" };
    await expect(workerCustomDomainProvider.create(conflict)).rejects.toThrow(
      /hostname "legacy.example.org": DNS records already exist there .*set overrideExistingDnsRecord: true/,
    );
    const { outs } = await workerCustomDomainProvider.create({ ...conflict, overrideExistingDnsRecord: true });
    expect(outs).toMatchObject({ zoneName: "example.org" });
  });

  it("reads its Worker's deletion as its own (the custom domain goes with the Worker)", async () => {
    const { id, outs } = await workerCustomDomainProvider.create(base);
    await deleteScript(client(), scope, "api");
    expect(await workerCustomDomainProvider.read(id, outs)).toEqual({});
  });
});
