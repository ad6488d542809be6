/**
 * Zones, zone routes, custom domains and cron triggers in the emulator: the real API's envelope, codes and
 * conflicts (evidence in emulator/README.md, "Routes, custom domains and cron triggers").
 */
import { DEFAULT_ZONE } from "../../emulator";
import { deploy, TestApi } from "./helpers";
import { ACCOUNT, useEmulator, withEmulator } from "../support";

const OTHER_ZONE = { id: "aa".repeat(16), name: "example.org", dnsRecords: ["legacy.example.org"] };
const FOREIGN_ZONE = { id: "bb".repeat(16), name: "elsewhere.net", accountId: "cc".repeat(16) };

const emulator = useEmulator({ zones: [DEFAULT_ZONE, OTHER_ZONE, FOREIGN_ZONE], cronTriggerLimit: 5 });
const api = new TestApi(emulator);

const routes = (zone: string = DEFAULT_ZONE.id) => `//zones/${zone}/workers/routes`;

describe("zones", () => {
  it("finds a zone by name and account, as wrangler does to place a route", async () => {
    const res = await api.call("GET", `//zones?name=example.com&account.id=${ACCOUNT}`);
    expect(res.status).toBe(200);
    expect(res.json.result).toEqual([
      expect.objectContaining({
        id: DEFAULT_ZONE.id,
        name: "example.com",
        status: "active",
        account: expect.objectContaining({ id: ACCOUNT }),
      }),
    ]);
    expect(res.json.result_info).toMatchObject({ page: 1, count: 1, total_count: 1 });
    expect((await api.call("GET", `//zones?name=elsewhere.net&account.id=${ACCOUNT}`)).json.result).toEqual([]);
    expect((await api.call("GET", `//zones/${OTHER_ZONE.id}`)).json.result.name).toBe("example.org");
  });

  it("answers 7003 for a zone id that is malformed or unknown", async () => {
    for (const id of ["not-a-zone", "dd".repeat(16)]) {
      const res = await api.call("GET", routes(id));
      expect([res.status, res.json.errors[0].code]).toEqual([404, 7003]);
    }
  });

  it("keeps the zones across reset, as given at start", async () => {
    emulator.reset();
    expect((await api.call("GET", "//zones")).json.result.map((z: { name: string }) => z.name)).toEqual([
      "elsewhere.net",
      "example.com",
      "example.org",
    ]);
  });
});

describe("zone routes", () => {
  it("creates, reads, lists, updates and deletes a route, with the Worker's routes in the scripts list", async () => {
    await deploy(api, "api");
    await deploy(api, "other");
    const created = await api.call("POST", routes(), { json: { pattern: "example.com/api/*", script: "api" } });
    expect(created.status).toBe(200);
    const { id } = created.json.result;
    expect(created.json.result).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const route = { id, pattern: "example.com/api/*", script: "api" };
    expect((await api.call("GET", `${routes()}/${id}`)).json.result).toEqual(route);
    expect((await api.call("GET", routes())).json.result).toEqual([route]);
    const listed = await api.call("GET", "/workers/scripts");
    expect(listed.json.result.find((s: { id: string }) => s.id === "api").routes).toEqual([route]);

    const updated = await api.call("PUT", `${routes()}/${id}`, { json: { pattern: "www.example.com/*", script: "other" } });
    expect(updated.json.result).toEqual({ id, pattern: "www.example.com/*", script: "other" });
    const deleted = await api.call("DELETE", `${routes()}/${id}`);
    expect(deleted.json).toMatchObject({ success: true, result: { id } });
    expect((await api.call("GET", routes())).json.result).toEqual([]);
  });

  it("refuses a pattern off the zone, an infix wildcard and a query with 10022", async () => {
    await deploy(api, "api");
    for (const pattern of ["example.org/*", "notexample.com/*", "example.com/*.jpg", "example.com/?a=*", ""]) {
      const res = await api.call("POST", routes(), { json: { pattern, script: "api" } });
      expect([pattern, res.status, res.json.errors[0].code]).toEqual([pattern, 400, 10022]);
    }
    for (const pattern of ["https://*.example.com/images/*", "*example.com/*", "example.com", "EXAMPLE.com/x"]) {
      expect((await api.call("POST", routes(), { json: { pattern, script: "api" } })).status).toBe(200);
    }
  });

  it("refuses a route to a Worker that does not exist with 10019, and allows one without a Worker", async () => {
    const res = await api.call("POST", routes(), { json: { pattern: "example.com/*", script: "ghost" } });
    expect([res.status, res.json.errors[0].code]).toEqual([400, 10019]);
    const bare = await api.call("POST", routes(), { json: { pattern: "example.com/static/*" } });
    expect(bare.json.result).toEqual({ id: expect.any(String) });
  });

  it("refuses a pattern another route holds with 409/10020 naming its Worker; hosts compare case-insensitively, paths not", async () => {
    await deploy(api, "api");
    await deploy(api, "other");
    await api.call("POST", routes(), { json: { pattern: "example.com/*", script: "api" } });
    const dup = await api.call("POST", routes(), { json: { pattern: "Example.COM/*", script: "other" } });
    expect([dup.status, dup.json.errors[0].code]).toEqual([409, 10020]);
    expect(dup.json.errors[0].message).toContain("'api'");
    expect((await api.call("POST", routes(), { json: { pattern: "example.com/API/*", script: "other" } })).status).toBe(200);
    // A route may be moved onto its own pattern (a PUT of the same pattern is no conflict).
    const mine = (await api.call("GET", routes())).json.result[0];
    expect((await api.call("PUT", `${routes()}/${mine.id}`, { json: { pattern: mine.pattern, script: "other" } })).status).toBe(200);
  });

  it("answers 10007 for GET and 10009 for PUT/DELETE of an unknown route (as the live API does)", async () => {
    const unknown = `${routes()}/${"0".repeat(32)}`;
    expect((await api.call("GET", unknown)).json.errors[0].code).toBe(10007);
    expect((await api.call("PUT", unknown, { json: { pattern: "example.com/*" } })).json.errors[0].code).toBe(10009);
    const del = await api.call("DELETE", unknown);
    expect([del.status, del.json.errors[0].code]).toEqual([404, 10009]);
  });

  it("keeps a deleted Worker's routes (a route's Worker is optional in the API)", async () => {
    await deploy(api, "api");
    await api.call("POST", routes(), { json: { pattern: "example.com/*", script: "api" } });
    await api.call("DELETE", "/workers/scripts/api");
    expect((await api.call("GET", routes())).json.result).toEqual([expect.objectContaining({ pattern: "example.com/*", script: "api" })]);
  });
});

describe("custom domains", () => {
  const domains = "/workers/domains";

  it("attaches, lists by hostname, reads and detaches a domain; a repeated PUT keeps the same id", async () => {
    await deploy(api, "site");
    const put = await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "site" } });
    expect(put.status).toBe(200);
    const domain = put.json.result;
    expect(domain).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      hostname: "app.example.com",
      service: "site",
      environment: "production",
      zone_id: DEFAULT_ZONE.id,
      zone_name: "example.com",
      cert_id: expect.any(String),
      enabled: true,
      previews_enabled: false,
    });
    expect((await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "site" } })).json.result.id).toBe(domain.id);
    expect((await api.call("GET", `${domains}?hostname=app.example.com`)).json.result).toEqual([domain]);
    expect((await api.call("GET", `${domains}?service=nobody`)).json.result).toEqual([]);
    expect((await api.call("GET", `${domains}/${domain.id}`)).json.result).toEqual(domain);
    const del = await api.call("DELETE", `${domains}/${domain.id}`);
    // 200 with an empty body and no content type, as terraform-provider-cloudflare meets it.
    expect([del.status, del.raw.length, del.headers["content-type"]]).toEqual([200, 0, undefined]);
    const gone = await api.call("GET", `${domains}/${domain.id}`);
    expect([gone.status, gone.json.errors[0].code]).toEqual([404, 100114]);
    expect((await api.call("DELETE", `${domains}/${domain.id}`)).json.errors[0].code).toBe(100114);
  });

  it("refuses a bad hostname (100113), a missing one (100111), one in no zone of the account (100112) and an unknown Worker (10007)", async () => {
    await deploy(api, "site");
    const bad = await api.call("PUT", domains, { json: { hostname: "app example.com", service: "site" } });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 100113]);
    expect((await api.call("PUT", domains, { json: { service: "site" } })).json.errors[0].code).toBe(100111);
    expect((await api.call("PUT", domains, { json: { hostname: "app.elsewhere.net", service: "site" } })).json.errors[0].code).toBe(100112);
    expect(
      (await api.call("PUT", domains, { json: { hostname: "app.example.org", service: "site", zone_id: DEFAULT_ZONE.id } })).json.errors[0]
        .code,
    ).toBe(100112);
    expect((await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "ghost" } })).json.errors[0].code).toBe(10007);
  });

  it("refuses a hostname another Worker holds (409/100116) unless override_existing_origin, which moves it", async () => {
    await deploy(api, "site");
    await deploy(api, "other");
    const first = (await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "site" } })).json.result;
    const taken = await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "other" } });
    expect([taken.status, taken.json.errors[0].code]).toEqual([409, 100116]);
    expect(taken.json.errors[0].message).toContain("'site'");
    const moved = await api.call("PUT", domains, {
      json: { hostname: "app.example.com", service: "other", override_existing_origin: true },
    });
    expect(moved.json.result).toMatchObject({ id: first.id, service: "other" });
  });

  it("refuses a hostname with DNS records (409/100117) unless override_existing_dns_record", async () => {
    await deploy(api, "site");
    const conflict = await api.call("PUT", domains, { json: { hostname: "legacy.example.org", service: "site" } });
    expect([conflict.status, conflict.json.errors[0].code]).toEqual([409, 100117]);
    const ok = await api.call("PUT", domains, {
      json: { hostname: "legacy.example.org", service: "site", override_existing_dns_record: true },
    });
    expect(ok.json.result).toMatchObject({ zone_id: OTHER_ZONE.id, zone_name: "example.org" });
  });

  it("removes a Worker's custom domains with the Worker", async () => {
    await deploy(api, "site");
    await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "site" } });
    await api.call("DELETE", "/workers/scripts/site");
    expect((await api.call("GET", domains)).json.result).toEqual([]);
  });
});

describe("cron triggers", () => {
  const schedules = "/workers/scripts/cron/schedules";

  it("replaces the list, keeps created_on of crons that stay, and clears with []", async () => {
    await deploy(api, "cron");
    const first = await api.call("PUT", schedules, { json: [{ cron: "*/5 * * * *" }] });
    const created = first.json.result.schedules[0].created_on;
    const second = await api.call("PUT", schedules, { json: [{ cron: "*/5 * * * *" }, { cron: "0 18 * * 6L" }] });
    expect(second.json.result.schedules).toEqual([
      { cron: "*/5 * * * *", created_on: created },
      { cron: "0 18 * * 6L", created_on: expect.any(String) },
    ]);
    expect((await api.call("PUT", schedules, { json: [] })).json.result).toEqual({ schedules: [] });
  });

  it("refuses an expression Cloudflare cannot parse, and two spellings of one schedule, with 10100", async () => {
    await deploy(api, "cron");
    const bad = await api.call("PUT", schedules, { json: [{ cron: "61 * * * *" }] });
    expect([bad.status, bad.json.errors[0].code]).toEqual([400, 10100]);
    expect(bad.json.errors[0].message).toContain("minute");
    const sunday0 = await api.call("PUT", schedules, { json: [{ cron: "0 22 * * 0" }] });
    expect(sunday0.json.errors[0].code).toBe(10100);
    const same = await api.call("PUT", schedules, { json: [{ cron: "*/30 * * * *" }, { cron: "0,30 * * * *" }] });
    expect(same.json.errors[0]).toMatchObject({
      code: 10100,
      message: expect.stringContaining("already exists in the form of '*/30 * * * *'"),
    });
  });

  it("refuses more cron triggers on the account than the plan allows with 10072", async () => {
    await deploy(api, "cron");
    await deploy(api, "other");
    await api.call("PUT", "/workers/scripts/other/schedules", {
      json: [{ cron: "1 * * * *" }, { cron: "2 * * * *" }, { cron: "3 * * * *" }],
    });
    const over = await api.call("PUT", schedules, { json: [{ cron: "4 * * * *" }, { cron: "5 * * * *" }, { cron: "6 * * * *" }] });
    expect([over.status, over.json.errors[0].code]).toEqual([400, 10072]);
    expect(over.json.errors[0].message).toContain("allows 5 cron triggers");
    expect((await api.call("PUT", schedules, { json: [{ cron: "4 * * * *" }, { cron: "5 * * * *" }] })).status).toBe(200);
  });

  it("answers 10007 for the schedules of a Worker that does not exist", async () => {
    expect((await api.call("GET", schedules)).json.errors[0].code).toBe(10007);
  });
});

describe("the emulator CLI's --zone", () => {
  it("takes name=id, or a name whose id is derived from it the same way every run", () => {
    const { parseCliArgs } = require("../../emulator/cli") as typeof import("../../emulator/cli");
    const options = parseCliArgs(["--zone", `example.net=${"ab".repeat(16)}`, "--zone=shop.test"]);
    expect(options.zones).toEqual([
      { name: "example.net", id: "ab".repeat(16) },
      { name: "shop.test", id: expect.stringMatching(/^[0-9a-f]{32}$/) },
    ]);
    expect(parseCliArgs(["--zone", "shop.test"]).zones![0]!.id).toBe(options.zones![1]!.id);
  });
});

describe("zones in a state file", () => {
  it("keeps routes and custom domains across a restart", async () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const os = require("node:os") as typeof import("node:os");
    const path = require("node:path") as typeof import("node:path");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "emu-zones-"));
    const stateFile = path.join(dir, "state.json");
    try {
      await withEmulator({ stateFile }, async (first) => {
        const api = new TestApi(first);
        await deploy(api, "api");
        await api.call("POST", routes(), { json: { pattern: "example.com/*", script: "api" } });
        await api.call("PUT", "/workers/domains", { json: { hostname: "app.example.com", service: "api" } });
      });
      await withEmulator({ stateFile }, async (second) => {
        const api = new TestApi(second);
        expect((await api.call("GET", routes())).json.result).toEqual([
          expect.objectContaining({ pattern: "example.com/*", script: "api" }),
        ]);
        expect((await api.call("GET", "/workers/domains")).json.result).toEqual([expect.objectContaining({ hostname: "app.example.com" })]);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
