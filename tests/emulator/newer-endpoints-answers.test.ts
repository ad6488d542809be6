/**
 * The emulator answers the newer endpoints (versions, deployments, routes, custom domains, the listing's
 * migration tag) in the shapes the evidence shows the real API giving (emulator/README.md, "Answers of the
 * newer endpoints"): less than the SDK types where a recording shows less, nulls and `""` where they show those.
 */
import { DEFAULT_ZONE } from "../../emulator";
import { deploy, TestApi, uploadForm } from "./helpers";
import { useEmulator } from "../support";

const emulator = useEmulator();
const api = new TestApi(emulator);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("versions and uploads", () => {
  it("answers an upload's deployment_id as the new version's id without dashes", async () => {
    const up = await deploy(api, "w");
    const [newest] = (await api.call("GET", "/workers/scripts/w/versions")).json.result.items;
    expect(newest.id).toMatch(UUID);
    expect(up.json.result.deployment_id).toBe(newest.id.replaceAll("-", ""));
  });

  it("answers version metadata as recorded: has_preview, no modified_on", async () => {
    await deploy(api, "w");
    const [row] = (await api.call("GET", "/workers/scripts/w/versions")).json.result.items;
    expect(row.metadata).toEqual({
      created_on: expect.any(String),
      source: "api",
      author_id: expect.any(String),
      author_email: expect.any(String),
      has_preview: true,
    });
    expect((await api.call("GET", `/workers/scripts/w/versions/${row.id}`)).json.result.metadata).toEqual(row.metadata);
  });

  it('lists a Worker never migrated with migration_tag "" (also under /workers/services), a migrated one with its tag', async () => {
    await deploy(api, "plain");
    await deploy(api, "durable", { migrations: { new_tag: "v1", new_classes: ["Counter"] } });
    const listed = (await api.call("GET", "/workers/scripts")).json.result as { id: string; migration_tag: string }[];
    expect(Object.fromEntries(listed.map((s) => [s.id, s.migration_tag]))).toEqual({ plain: "", durable: "v1" });
    const service = await api.call("GET", "/workers/services/plain");
    expect(service.json.result.default_environment.script.migration_tag).toBe("");
  });

  it("a version upload's answer names the version in the dashed form", async () => {
    await deploy(api, "w");
    const res = await api.call("POST", "/workers/scripts/w/versions", { form: uploadForm({ compatibility_date: "2025-01-01" }) });
    expect(res.json.result.id).toMatch(UUID);
  });
});

describe("zone routes", () => {
  const routes = `//zones/${DEFAULT_ZONE.id}/workers/routes`;

  it("answers a create with the route's id only, and a route without a Worker with script: null", async () => {
    await deploy(api, "w");
    const created = await api.call("POST", routes, { json: { pattern: "example.com/api/*", script: "w" } });
    expect(created.json.result).toEqual({ id: expect.any(String) });
    const off = await api.call("POST", routes, { json: { pattern: "example.com/static/*" } });
    expect((await api.call("GET", `${routes}/${off.json.result.id}`)).json.result).toEqual({
      id: off.json.result.id,
      pattern: "example.com/static/*",
      script: null,
    });
    expect((await api.call("GET", `${routes}/${created.json.result.id}`)).json.result).toEqual({
      id: created.json.result.id,
      pattern: "example.com/api/*",
      script: "w",
    });
  });
});

describe("custom domains", () => {
  const domains = "/workers/domains";

  it("answers enabled and previews_enabled (defaults true and false), switches them with a PUT, and keeps them when a PUT leaves them out", async () => {
    await deploy(api, "w");
    const put = await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "w" } });
    expect(put.json.result).toMatchObject({ enabled: true, previews_enabled: false });
    const off = await api.call("PUT", domains, {
      json: { hostname: "app.example.com", service: "w", enabled: false, previews_enabled: true },
    });
    expect(off.json.result).toMatchObject({ id: put.json.result.id, enabled: false, previews_enabled: true });
    const again = await api.call("PUT", domains, { json: { hostname: "app.example.com", service: "w" } });
    expect(again.json.result).toMatchObject({ enabled: false, previews_enabled: true });
    expect((await api.call("GET", `${domains}/${put.json.result.id}`)).json.result).toMatchObject({ enabled: false });
  });
});
