/**
 * DispatchNamespace against the emulator: the exact API calls of each lifecycle step, adoption, drift, and
 * the check failures that name the property.
 */
import { createNamespace, deleteNamespace, getNamespace, listNamespaces, uploadScript } from "../../provider/cloudflare";
import {
  DISPATCH_NAMESPACE_DIFF,
  dispatchNamespaceProvider as provider,
  type DispatchNamespaceInputs,
  type DispatchNamespaceOutputs,
} from "../../provider/resources/dispatch-namespace";
import { ACCOUNT, client, useEmulator, takeCalls } from "../support";

const emulator = useEmulator();

async function checked(news: Partial<DispatchNamespaceInputs>): Promise<DispatchNamespaceInputs> {
  const result = await provider.check({}, news);
  expect(result.failures ?? []).toEqual([]);
  return result.inputs!;
}

/** create() with its outputs (always set by this provider). */
async function create(inputs: DispatchNamespaceInputs): Promise<{ id: string; outs: DispatchNamespaceOutputs }> {
  const created = await provider.create(inputs);
  return { id: created.id, outs: created.outs! };
}

describe("DispatchNamespace check", () => {
  it("resolves the account from CLOUDFLARE_ACCOUNT_ID and accepts a valid name", async () => {
    expect(await checked({ name: "customers" })).toEqual({ name: "customers", accountId: ACCOUNT });
  });

  it("names the property of every failure", async () => {
    const result = await provider.check({}, {
      name: "Customers!",
      adopt: "yes" as never,
      accountId: "xyz",
      nmae: "x",
    } as DispatchNamespaceInputs);
    expect(result.failures!.map((f) => f.property).sort()).toEqual(["accountId", "adopt", "name", "nmae"]);
    expect(result.failures!.find((f) => f.property === "name")!.reason).toMatch(/^name "Customers!": a namespace name uses only a-z/);
    expect((await provider.check({}, {})).failures).toEqual([{ property: "name", reason: "name: required" }]);
  });
});

describe("DispatchNamespace lifecycle", () => {
  it("creates with one GET (is it free?) and one POST, reads with one GET, deletes with one DELETE", async () => {
    const inputs = await checked({ name: "customers" });
    const created = await create(inputs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/customers", "POST /workers/dispatch/namespaces"]);
    expect(created.id).toBe(`${ACCOUNT}/dispatch-namespaces/customers`);
    expect(created.outs).toEqual({
      name: "customers",
      accountId: ACCOUNT,
      namespaceId: expect.any(String),
      createdOn: expect.any(String),
      trustedWorkers: false,
    });

    const read = await provider.read(created.id, created.outs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/customers"]);
    expect(read).toEqual({ id: created.id, props: created.outs });

    await provider.delete(created.id, created.outs);
    expect(takeCalls(emulator)).toEqual(["DELETE /workers/dispatch/namespaces/customers"]);
    expect(await listNamespaces(client(), ACCOUNT)).toEqual([]);
  });

  it("refuses to take an existing namespace without adopt, after one GET and no write", async () => {
    await createNamespace(client(), ACCOUNT, { name: "customers" });
    takeCalls(emulator);
    await expect(provider.create(await checked({ name: "customers" }))).rejects.toThrow(
      /Dispatch namespace "customers" already exists.*set adopt: true/,
    );
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/customers"]);
  });

  it("adopts an existing namespace with one GET and writes nothing, keeping its Workers", async () => {
    const existing = await createNamespace(client(), ACCOUNT, { name: "customers" });
    await uploadScript(client(), { accountId: ACCOUNT, dispatchNamespace: "customers" }, "acme", {
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
    });
    takeCalls(emulator);
    const created = await create(await checked({ name: "customers", adopt: true }));
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/customers"]);
    expect(created.outs.namespaceId).toBe(existing.namespace_id);
    expect((await getNamespace(client(), ACCOUNT, "customers")).script_count).toBe(1);
  });

  it("a refresh of a namespace deleted outside Pulumi reports it gone; deleting it again is not an error", async () => {
    const created = await create(await checked({ name: "customers" }));
    await deleteNamespace(client(), ACCOUNT, "customers");
    takeCalls(emulator);
    expect(await provider.read(created.id, created.outs)).toEqual({});
    await provider.delete(created.id, created.outs);
    expect(takeCalls(emulator)).toEqual(["GET /workers/dispatch/namespaces/customers", "DELETE /workers/dispatch/namespaces/customers"]);
  });

  it("a refresh does not change outputs when the namespace gains Workers (the script count is not stored)", async () => {
    const created = await create(await checked({ name: "customers" }));
    await uploadScript(client(), { accountId: ACCOUNT, dispatchNamespace: "customers" }, "acme", {
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
    });
    expect((await provider.read(created.id, created.outs)).props).toEqual(created.outs);
  });

  it("deleting the namespace deletes the Workers in it", async () => {
    const created = await create(await checked({ name: "customers" }));
    const at = { accountId: ACCOUNT, dispatchNamespace: "customers" };
    await uploadScript(client(), at, "acme", {
      metadata: { main_module: "index.js" },
      modules: [{ name: "index.js", contentType: "application/javascript+module", content: Buffer.from("export default {}") }],
    });
    await provider.delete(created.id, created.outs);
    await createNamespace(client(), ACCOUNT, { name: "customers" });
    expect((await getNamespace(client(), ACCOUNT, "customers")).script_count).toBe(0);
  });
});

describe("DispatchNamespace diff", () => {
  const olds = { name: "customers", accountId: ACCOUNT, namespaceId: "id-1", createdOn: "2026-01-01T00:00:00Z" };

  it("is empty for the same inputs (outputs the API measures are ignored)", async () => {
    expect(await provider.diff("id", olds, { name: "customers", accountId: ACCOUNT })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: undefined,
    });
    expect(await provider.diff("id", { ...olds, adopt: false }, { name: "customers", accountId: ACCOUNT })).toMatchObject({
      changes: false,
    });
  });

  it("replaces on a new name or account, and updates in place when only adopt changes (no API call)", async () => {
    expect(await provider.diff("id", olds, { name: "tenants", accountId: ACCOUNT })).toMatchObject({ changes: true, replaces: ["name"] });
    expect(await provider.diff("id", olds, { name: "customers", accountId: "fedcba9876543210fedcba9876543210" })).toMatchObject({
      replaces: ["accountId"],
    });
    expect(await provider.diff("id", olds, { name: "customers", accountId: ACCOUNT, adopt: true })).toMatchObject({
      changes: true,
      replaces: [],
    });
    const updated = await provider.update("id", olds, { name: "customers", accountId: ACCOUNT, adopt: true });
    expect(updated.outs).toEqual({ ...olds, adopt: true });
    expect(takeCalls(emulator)).toEqual([]);
    expect(Object.keys(DISPATCH_NAMESPACE_DIFF).sort()).toEqual(["accountId", "adopt", "name"]);
  });
});
