/**
 * The resources of the newer endpoints (versions, deployments, routes, custom domains, cron triggers, and the
 * migration tag) fed the shapes the real API answers (emulator/README.md, "Answers of the newer endpoints"):
 * `migration_tag: ""`, version ids without dashes, nulls in version metadata, answers carrying only an id, a
 * route without a Worker as `null` or `""`, a custom domain switched off, an empty DELETE body. Each goes through
 * create, no-op, refresh in a new run, update and delete: nothing fails, nothing diffs that did not change.
 */
import { DEFAULT_ZONE } from "../../emulator";
import { dashedVersionId, listScripts, listVersions, putDomain, updateRoute, uploadScript } from "../../provider/cloudflare";
import { workerCronTriggerProvider } from "../../provider/resources/worker-cron-trigger";
import {
  workerCustomDomainProvider,
  type WorkerCustomDomainInputs,
  type WorkerCustomDomainOutputs,
} from "../../provider/resources/worker-custom-domain";
import { workerDeploymentProvider, type WorkerDeploymentOutputs } from "../../provider/resources/worker-deployment";
import { workerRouteProvider, type WorkerRouteInputs, type WorkerRouteOutputs } from "../../provider/resources/worker-route";
import { workerScriptProvider, type WorkerScriptInputs, type WorkerScriptOutputs } from "../../provider/resources/worker-script";
import { uploadTag, workerVersionProvider, type WorkerVersionOutputs } from "../../provider/resources/worker-version";
import { ACCOUNT, client, newRun, scope, takeCalls, useEmulator } from "../support";

const emulator = useEmulator();

const code = (n: number) => `export default { async fetch() { return new Response('v${n}') } }`;
const DO_CODE = "export class Counter {}\nexport default { async fetch() { return new Response('ok') } }";
const encoder = new TextEncoder();
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NO_CHANGE = { changes: false, replaces: [] };

/** check, then the resource's checked inputs (no failures). */
type Raw = Record<string, unknown>;

async function checked<I>(provider: { check(olds: Raw, news: Raw): Promise<{ inputs?: I; failures?: unknown[] }> }, inputs: object) {
  const result = await provider.check({}, inputs as Raw);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

async function script(inputs: Partial<WorkerScriptInputs> = {}): Promise<{ id: string; outs: WorkerScriptOutputs }> {
  const news = await checked<WorkerScriptInputs>(workerScriptProvider, {
    accountId: ACCOUNT,
    scriptName: "api",
    content: code(1),
    compatibilityDate: "2025-01-01",
    ...inputs,
  });
  const { id, outs } = await workerScriptProvider.create(news);
  return { id, outs: outs! };
}

describe('a Worker never migrated, listed with migration_tag ""', () => {
  const migrations = [{ tag: "v1", newClasses: ["Counter"] }];

  it("takes its first migration on an update, then refreshes in a new run without a diff", async () => {
    const { id, outs } = await script({ content: DO_CODE });
    expect((await listScripts(client(), ACCOUNT)).find((s) => s.id === "api")?.migration_tag).toBe("");
    const news = await checked<WorkerScriptInputs>(workerScriptProvider, {
      accountId: ACCOUNT,
      scriptName: "api",
      content: DO_CODE,
      compatibilityDate: "2025-01-01",
      migrations,
    });
    newRun();
    const { outs: updated } = await workerScriptProvider.update(id, outs, news);
    expect((await listScripts(client(), ACCOUNT)).find((s) => s.id === "api")?.migration_tag).toBe("v1");
    newRun();
    const read = await workerScriptProvider.read(id, updated as WorkerScriptOutputs);
    expect(await workerScriptProvider.diff(id, read.props!, news)).toEqual(NO_CHANGE);
    await workerScriptProvider.delete(id, read.props!);
  });

  it("is adopted by a program declaring migrations: the steps go out from no tag, and a refresh sees no drift", async () => {
    await uploadScript(client(), scope, "api", {
      metadata: { main_module: "index.js", compatibility_date: "2025-01-01" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: encoder.encode(DO_CODE) }],
    });
    newRun();
    const { id, outs } = await script({ content: DO_CODE, migrations, adopt: true });
    expect((await listScripts(client(), ACCOUNT)).find((s) => s.id === "api")?.migration_tag).toBe("v1");
    newRun();
    const read = await workerScriptProvider.read(id, outs);
    expect(read.props?.migrations).toEqual(migrations);
  });

  it('reads a never-migrated Worker\'s refresh as no migration applied yet ([]), not as a tag ""', async () => {
    const { id, outs } = await script({ content: DO_CODE });
    newRun();
    const read = await workerScriptProvider.read(id, { ...outs, migrations });
    expect(read.props?.migrations).toEqual([]);
  });
});

describe("version ids in two spellings", () => {
  it("WorkerScript reports the upload's undashed deployment_id as the dashed version id", async () => {
    const { outs } = await script();
    const [newest] = (await listVersions(client(), scope, "api")).items;
    expect(outs.versionId).toMatch(DASHED);
    expect(outs.versionId).toBe(newest!.id);
  });

  it("WorkerDeployment takes either spelling as the same version: no diff between them, a refresh in a new run without drift", async () => {
    const { outs: first } = await script();
    const undashed = first.versionId!.replaceAll("-", "");
    const news = await checked<WorkerDeploymentOutputs>(workerDeploymentProvider, {
      accountId: ACCOUNT,
      scriptName: "api",
      versions: [{ versionId: undashed, percentage: 100 }],
    });
    takeCalls(emulator);
    const { id, outs } = await workerDeploymentProvider.create(news);
    expect(takeCalls(emulator)).toEqual(["POST /workers/scripts/api/deployments"]);
    // The answer carries only the id (recorded); the id is all the resource keeps of it.
    expect(outs).toMatchObject({ deploymentId: expect.any(String) });
    const dashed = { ...news, versions: [{ versionId: first.versionId!, percentage: 100 }] };
    expect(await workerDeploymentProvider.diff(id, outs!, dashed)).toEqual(NO_CHANGE);
    newRun();
    const read = await workerDeploymentProvider.read(id, outs!);
    expect(await workerDeploymentProvider.diff(id, read.props!, news)).toEqual(NO_CHANGE);
    expect(await workerDeploymentProvider.diff(id, read.props!, dashed)).toEqual(NO_CHANGE);

    // Another version deployed outside the program is drift, shown in the dashed spelling.
    await script({ scriptName: "api", content: code(2), adopt: true });
    const [other] = (await listVersions(client(), scope, "api")).items;
    newRun();
    const drifted = await workerDeploymentProvider.read(id, read.props!);
    expect(drifted.props?.versions).toEqual([{ versionId: other!.id, percentage: 100 }]);
    expect((await workerDeploymentProvider.diff(id, drifted.props!, news)).changes).toBe(true);
    const { outs: repaired } = await workerDeploymentProvider.update(id, drifted.props!, news);
    newRun();
    const reread = await workerDeploymentProvider.read(id, repaired as WorkerDeploymentOutputs);
    expect(await workerDeploymentProvider.diff(id, reread.props!, news)).toEqual(NO_CHANGE);
    await workerDeploymentProvider.delete();
  });

  it("dashedVersionId dashes 32 hex digits, lower-cases a UUID and leaves anything else as it is", () => {
    expect(dashedVersionId("00112233445566778899AABBCCDDEEFF")).toBe("00112233-4455-6677-8899-aabbccddeeff");
    expect(dashedVersionId("00112233-4455-6677-8899-AABBCCDDEEFF")).toBe("00112233-4455-6677-8899-aabbccddeeff");
    expect(dashedVersionId("latest")).toBe("latest");
  });
});

describe("WorkerVersion: nulls in version metadata, and a create that fails after its upload", () => {
  async function versionInputs(n: number) {
    return checked(workerVersionProvider, { accountId: ACCOUNT, scriptName: "api", content: code(n), compatibilityDate: "2025-01-01" });
  }

  it("reads versions whose metadata, annotations and resources carry nulls, through create, no-op, refresh and delete", async () => {
    await script();
    const inputs = await versionInputs(2);
    // The newest-version lookup before the upload meets nulls everywhere an optional field may be.
    emulator.injectFault({
      method: "GET",
      path: /\/versions$/,
      status: 200,
      body: {
        success: true,
        errors: null,
        messages: null,
        result: {
          items: [
            {
              id: "11111111-2222-3333-4444-555555555555",
              number: null,
              metadata: { created_on: null, source: null, author_email: null, has_preview: null },
              annotations: null,
            },
          ],
        },
        result_info: { page: 1, per_page: 100, count: 1, total_count: 1 },
      },
      times: 1,
    });
    const { id, outs } = await workerVersionProvider.create(inputs as never);
    expect(outs).toMatchObject({ versionId: expect.stringMatching(DASHED), versionNumber: 2 });
    expect(await workerVersionProvider.diff(id, outs!, inputs as never)).toEqual(NO_CHANGE);
    newRun();
    emulator.injectFault({
      method: "GET",
      path: /\/versions\/[0-9a-f-]+$/,
      status: 200,
      body: {
        success: true,
        errors: [],
        messages: [],
        result: {
          id: outs!.versionId,
          number: null,
          metadata: { created_on: null, modified_on: null, author_id: null, author_email: null, source: null, has_preview: null },
          annotations: { "workers/triggered_by": null, "workers/message": null, "workers/tag": null },
          resources: { bindings: null, script: { etag: null, handlers: null }, script_runtime: { usage_model: null, migration_tag: null } },
        },
      },
      times: 1,
    });
    const read = await workerVersionProvider.read(id, outs!);
    expect(read.props).toEqual(outs);
    await workerVersionProvider.delete();
  });

  it("takes its own upload on the rerun after the answer was lost: no second version", async () => {
    await script();
    const inputs = await versionInputs(2);
    emulator.injectFault({ method: "POST", path: /\/versions$/, applyFirst: true, status: 502, times: 1 });
    await expect(workerVersionProvider.create(inputs as never)).rejects.toThrow();
    const after = (await listVersions(client(), scope, "api")).items;
    expect(after).toHaveLength(2);
    newRun();
    takeCalls(emulator);
    const { outs } = await workerVersionProvider.create(inputs as never);
    // Reads only (the listing, the newest version, whether previews are on): no second upload.
    expect(takeCalls(emulator)).toEqual([
      "GET /workers/scripts",
      "GET /workers/scripts/api/versions?page=1&per_page=100",
      "GET /workers/scripts/api/subdomain",
    ]);
    expect(outs).toMatchObject({ versionId: after[0]!.id, versionNumber: 2 });
    expect((await listVersions(client(), scope, "api")).items).toHaveLength(2);
  });

  it("finds its upload when the upload's answer carries no id (the SDK types it optional) instead of failing after the write", async () => {
    await script();
    const inputs = await versionInputs(2);
    emulator.injectFault({
      method: "POST",
      path: /\/versions$/,
      applyFirst: true,
      status: 200,
      body: { success: true, errors: [], messages: [], result: { number: 2, startup_time_ms: 1 } },
      times: 1,
    });
    const { outs } = await workerVersionProvider.create(inputs as never);
    const [uploaded] = (await listVersions(client(), scope, "api")).items;
    expect(outs).toMatchObject({ versionId: uploaded!.id, versionNumber: 2 });
  });

  it("uploads again when the newest version is not its own: other code, or a version made since", async () => {
    await script();
    const v2 = (await workerVersionProvider.create((await versionInputs(2)) as never)).outs as WorkerVersionOutputs;
    const v3 = (await workerVersionProvider.create((await versionInputs(3)) as never)).outs as WorkerVersionOutputs;
    // The same code as v2, but v3 is newer: a new version, as a program replacing v3 by v2's code expects.
    const again = (await workerVersionProvider.create((await versionInputs(2)) as never)).outs as WorkerVersionOutputs;
    expect([v2.versionNumber, v3.versionNumber, again.versionNumber]).toEqual([2, 3, 4]);
  });

  it("names its upload by a digest only when it can: not over secret values, not over the program's own tag", () => {
    const metadata = { main_module: "index.js", bindings: [{ type: "plain_text", name: "A", text: "a" }] };
    expect(uploadTag(metadata as never, "h")).toMatch(/^pulumi-[0-9a-f]{18}$/);
    expect(uploadTag(metadata as never, "h")!.length).toBeLessThanOrEqual(25);
    expect(uploadTag(metadata as never, "other")).not.toBe(uploadTag(metadata as never, "h"));
    expect(uploadTag({ ...metadata, bindings: [{ type: "secret_text", name: "S", text: "s3cret" }] } as never, "h")).toBeUndefined();
    expect(uploadTag({ ...metadata, annotations: { "workers/tag": "mine" } } as never, "h")).toBeUndefined();
  });
});

describe("WorkerRoute with answers carrying less", () => {
  const inputs = { zoneId: DEFAULT_ZONE.id, pattern: "example.com/api/*", scriptName: "api" };

  it("creates from an answer holding only the id, refreshes in a new run without a diff, updates and deletes", async () => {
    await script();
    await script({ scriptName: "other" });
    const news = await checked<WorkerRouteInputs>(workerRouteProvider, inputs);
    const { id, outs } = await workerRouteProvider.create(news);
    expect(outs).toMatchObject({ ...inputs, routeId: expect.any(String) });
    expect(await workerRouteProvider.diff(id, outs!, news)).toEqual(NO_CHANGE);
    newRun();
    const read = await workerRouteProvider.read(id, outs!);
    expect(await workerRouteProvider.diff(id, read.props!, news)).toEqual(NO_CHANGE);
    const moved = await checked<WorkerRouteInputs>(workerRouteProvider, { ...inputs, scriptName: "other" });
    const { outs: updated } = await workerRouteProvider.update(id, read.props!, moved);
    newRun();
    const reread = await workerRouteProvider.read(id, updated as WorkerRouteOutputs);
    expect(await workerRouteProvider.diff(id, reread.props!, moved)).toEqual(NO_CHANGE);
    await workerRouteProvider.delete(id, reread.props!);
  });

  it.each([
    ["null", null],
    ['""', ""],
  ])("shows a route left without a Worker outside the program (script %s) as drift, and puts the Worker back", async (_, script) => {
    await scriptFor("api");
    const news = await checked<WorkerRouteInputs>(workerRouteProvider, inputs);
    const { id, outs } = await workerRouteProvider.create(news);
    await updateRoute(client(), DEFAULT_ZONE.id, outs!.routeId, { pattern: inputs.pattern });
    newRun();
    emulator.injectFault({
      method: "GET",
      path: /\/workers\/routes\/[0-9a-f]+$/,
      status: 200,
      body: { success: true, errors: [], messages: [], result: { id: outs!.routeId, pattern: inputs.pattern, script } },
      times: 1,
    });
    const read = await workerRouteProvider.read(id, outs!);
    expect(read.props?.scriptName).toBeUndefined();
    expect((await workerRouteProvider.diff(id, read.props!, news)).changes).toBe(true);
    await workerRouteProvider.update(id, read.props!, news);
    newRun();
    const repaired = await workerRouteProvider.read(id, outs!);
    expect(await workerRouteProvider.diff(id, repaired.props!, news)).toEqual(NO_CHANGE);
  });

  async function scriptFor(name: string) {
    await script({ scriptName: name });
  }
});

describe("WorkerCustomDomain: enabled, previewsEnabled and an empty DELETE answer", () => {
  const inputs = { accountId: ACCOUNT, hostname: "app.example.com", scriptName: "api" };

  it("shows a domain switched off outside the program as drift, switches it back on, and deletes on an empty body", async () => {
    await script();
    const news = await checked<WorkerCustomDomainInputs>(workerCustomDomainProvider, inputs);
    const { id, outs } = await workerCustomDomainProvider.create(news);
    expect(await workerCustomDomainProvider.diff(id, outs!, news)).toEqual(NO_CHANGE);
    newRun();
    const read = await workerCustomDomainProvider.read(id, outs!);
    expect(await workerCustomDomainProvider.diff(id, read.props!, news)).toEqual(NO_CHANGE);

    // As the dashboard or wrangler (`enabled: false` on a custom_domain route) leaves it.
    await putDomain(client(), ACCOUNT, { hostname: inputs.hostname, service: "api", enabled: false });
    newRun();
    const drifted = await workerCustomDomainProvider.read(id, read.props!);
    expect(drifted.props?.enabled).toBe(false);
    expect(await workerCustomDomainProvider.diff(id, drifted.props!, news)).toEqual({ changes: true, replaces: [] });
    takeCalls(emulator);
    const { outs: updated } = await workerCustomDomainProvider.update(id, drifted.props!, news);
    expect(emulator.requests.at(-1)).toMatchObject({ method: "PUT", path: `/accounts/${ACCOUNT}/workers/domains` });
    newRun();
    const repaired = await workerCustomDomainProvider.read(id, updated as WorkerCustomDomainOutputs);
    expect(repaired.props?.enabled).toBeUndefined();
    expect(await workerCustomDomainProvider.diff(id, repaired.props!, news)).toEqual(NO_CHANGE);

    takeCalls(emulator);
    await workerCustomDomainProvider.delete(id, repaired.props!);
    expect(takeCalls(emulator)).toEqual([expect.stringMatching(/^DELETE \/workers\/domains\/[0-9a-f]+$/)]);
  });

  it("sends previewsEnabled and enabled when set, and reads them back without a diff in a new run", async () => {
    await script();
    const news = await checked<WorkerCustomDomainInputs>(workerCustomDomainProvider, { ...inputs, enabled: false, previewsEnabled: true });
    const { id, outs } = await workerCustomDomainProvider.create(news);
    newRun();
    const read = await workerCustomDomainProvider.read(id, outs!);
    expect(read.props).toMatchObject({ enabled: false, previewsEnabled: true });
    expect(await workerCustomDomainProvider.diff(id, read.props!, news)).toEqual(NO_CHANGE);
    const on = await checked<WorkerCustomDomainInputs>(workerCustomDomainProvider, inputs);
    expect(await workerCustomDomainProvider.diff(id, read.props!, on)).toEqual({ changes: true, replaces: [] });
  });

  it("reads an older answer without enabled/previews_enabled as the API's defaults: no diff", async () => {
    await script();
    const news = await checked<WorkerCustomDomainInputs>(workerCustomDomainProvider, inputs);
    const { id, outs } = await workerCustomDomainProvider.create(news);
    newRun();
    emulator.injectFault({
      method: "GET",
      path: /\/workers\/domains\/[0-9a-f]+$/,
      status: 200,
      body: {
        success: true,
        errors: [],
        messages: [],
        result: {
          id: outs!.domainId,
          hostname: inputs.hostname,
          service: "api",
          zone_id: DEFAULT_ZONE.id,
          zone_name: "example.com",
          environment: "production",
          cert_id: null,
        },
      },
      times: 1,
    });
    const read = await workerCustomDomainProvider.read(id, outs!);
    expect(await workerCustomDomainProvider.diff(id, read.props!, news)).toEqual(NO_CHANGE);
  });
});

describe("WorkerCronTrigger with schedules that carry no dates", () => {
  it("creates, refreshes in a new run without a diff, updates and deletes", async () => {
    await script();
    const news = await checked(workerCronTriggerProvider, { accountId: ACCOUNT, scriptName: "api", crons: ["*/5 * * * *"] });
    emulator.injectFault({
      method: "GET",
      path: /\/schedules$/,
      status: 200,
      body: { success: true, errors: [], messages: [], result: { schedules: null } },
      times: 1,
    });
    const { id, outs } = await workerCronTriggerProvider.create(news as never);
    newRun();
    emulator.injectFault({
      method: "GET",
      path: /\/schedules$/,
      status: 200,
      body: { success: true, errors: [], messages: [], result: { schedules: [{ cron: "*/5 * * * *" }] } },
      times: 1,
    });
    const read = await workerCronTriggerProvider.read(id, outs as never);
    expect(await workerCronTriggerProvider.diff(id, read.props!, news as never)).toEqual(NO_CHANGE);
    const changed = await checked(workerCronTriggerProvider, { accountId: ACCOUNT, scriptName: "api", crons: ["0 3 * * *"] });
    const { outs: updated } = await workerCronTriggerProvider.update(id, read.props!, changed as never);
    newRun();
    const reread = await workerCronTriggerProvider.read(id, updated as never);
    expect(await workerCronTriggerProvider.diff(id, reread.props!, changed as never)).toEqual(NO_CHANGE);
    await workerCronTriggerProvider.delete(id, reread.props!);
  });
});
