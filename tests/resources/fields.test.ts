/** The field-table framework: what check, diff, the wire mapping and reads derive from one table. */
import { z } from "zod";
import {
  ADOPT_FIELD,
  SCRIPT_SCOPE_FIELDS,
  booleanSchema,
  changedFields,
  checkWith,
  defineFields,
  diffWith,
  inputsFromWire,
  keepStoredWhenSame,
  sameWire,
  storedOutputs,
  wireOf,
  type InputsOf,
} from "../../provider/resources/fields";
import { normaliseStringSet } from "../../provider/resources/normalise";
import { WORKER_CONFIG_FIELDS } from "../../provider/resources/worker-config";
import { WORKER_CRON_TRIGGER_FIELDS } from "../../provider/resources/worker-cron-trigger";
import { WORKER_VERSION_FIELDS } from "../../provider/resources/worker-version";
import { ACCOUNT } from "../support/account";

const FIELDS = defineFields(
  {
    ...SCRIPT_SCOPE_FIELDS,
    enabled: { schema: booleanSchema, diff: "update", wire: "enabled" },
    tags: { schema: z.array(z.string().min(1)).optional(), diff: "update", wire: "tags", cleared: [], normalise: normaliseStringSet },
    tailConsumers: {
      schema: z.array(z.strictObject({ service: z.string(), environment: z.string().optional() })).optional(),
      shape: "wire",
      diff: "update",
      wire: "tail_consumers",
    },
    previews: { schema: booleanSchema.optional(), diff: "update", wire: "previews_enabled", unmanagedWhenUnset: true },
    hash: { schema: z.string().optional(), diff: "update", computed: true },
    measured: { schema: z.number().optional(), diff: "ignore" },
    adopt: ADOPT_FIELD,
  },
  "Thing",
);
type Inputs = InputsOf<typeof FIELDS>;
const check = checkWith("Thing", FIELDS, (inputs) => {
  inputs.hash = `hash-of-${inputs.scriptName}`;
});
const base: Inputs = { accountId: ACCOUNT, scriptName: "api", enabled: true };

describe("checkWith", () => {
  const saved = process.env.CLOUDFLARE_ACCOUNT_ID;
  afterEach(() => {
    if (saved === undefined) delete process.env.CLOUDFLARE_ACCOUNT_ID;
    else process.env.CLOUDFLARE_ACCOUNT_ID = saved;
  });

  it("accepts valid inputs, keeps __provider, and lets the resource set its computed fields", async () => {
    const result = await check({}, { ...base, __provider: "p", hash: "from-the-program" });
    expect(result).toEqual({ inputs: { ...base, __provider: "p", hash: "hash-of-api" } });
  });

  it("fills the account from the environment when the program leaves it unset", async () => {
    process.env.CLOUDFLARE_ACCOUNT_ID = "f".repeat(32);
    expect((await check({}, { scriptName: "api", enabled: false })).inputs!.accountId).toBe("f".repeat(32));
  });

  it("names each property at fault, quoting values only where the table says so", async () => {
    const result = await check(
      {},
      { accountId: ACCOUNT, scriptName: "My_Worker", tags: [""], tailConsumers: [{ servce: "x" }], colour: "red" },
    );
    expect(result.failures).toEqual([
      { property: "colour", reason: "colour: not an input of Thing; check the spelling" },
      { property: "scriptName", reason: expect.stringMatching(/^scriptName "My_Worker": a script name uses only a-z/) },
      { property: "enabled", reason: "enabled: required" },
      { property: "tags", reason: expect.stringMatching(/^tags\[0\]: /) },
      { property: "tailConsumers", reason: "tailConsumers[0].service: Invalid input: expected string, received undefined" },
      { property: "tailConsumers", reason: "tailConsumers[0]: unknown field servce: remove or correct the spelling" },
    ]);
  });

  it("checks a wire-shaped field in its wire form", async () => {
    expect((await check({}, { ...base, tailConsumers: [{ service: "logs", environment: "production" }] })).failures).toBeUndefined();
  });

  it("checks a script name inside a dispatch namespace by the namespace's rule", async () => {
    expect((await check({}, { ...base, dispatchNamespace: "customers", scriptName: "Customer.A" })).failures).toBeUndefined();
    expect((await check({}, { ...base, scriptName: "Customer.A" })).failures!.map((f) => f.property)).toEqual(["scriptName"]);
  });
});

describe("diffWith", () => {
  const diff = diffWith(FIELDS);

  it("replaces on a replace field, updates on an update field, and never compares ignored or unknown keys", async () => {
    expect(await diff("id", base, { ...base, scriptName: "web" })).toEqual({
      changes: true,
      replaces: ["scriptName"],
      deleteBeforeReplace: undefined,
    });
    expect(await diff("id", base, { ...base, enabled: false })).toEqual({ changes: true, replaces: [], deleteBeforeReplace: undefined });
    expect(await diff("id", { ...base, measured: 1, etag: "a" } as Inputs, { ...base, measured: 2 })).toMatchObject({ changes: false });
  });

  it("compares through each field's normaliser", () => {
    expect(changedFields(FIELDS, { ...base, tags: ["b", "a"] }, { ...base, tags: ["a", "b", "a"] }).changed).toEqual([]);
    expect(changedFields(FIELDS, { ...base, adopt: false }, base).changed).toEqual([]);
  });

  it("leaves a field to the API while the program does not set it", () => {
    expect(changedFields(FIELDS, { ...base, previews: true }, base).changed).toEqual([]);
    expect(changedFields(FIELDS, { ...base, previews: true }, { ...base, previews: false }).changed).toEqual(["previews"]);
  });

  it("deletes before replacing only when asked", async () => {
    expect(await diffWith(FIELDS, { deleteBeforeReplace: true })("id", base, { ...base, scriptName: "web" })).toMatchObject({
      deleteBeforeReplace: true,
    });
  });
});

describe("wire mapping and reads", () => {
  const inputs: Inputs = { ...base, tags: ["a"], tailConsumers: [{ service: "logs" }] };

  it("maps inputs to wire names, and puts back the API default of a field no longer set", () => {
    expect(wireOf(FIELDS, inputs)).toEqual({ enabled: true, tags: ["a"], tail_consumers: [{ service: "logs" }] });
    expect(wireOf(FIELDS, base, { keys: ["tags", "enabled"], cleared: true })).toEqual({ tags: [], enabled: true });
  });

  it("maps a live wire object back, a round trip returning the inputs", () => {
    expect(inputsFromWire(FIELDS, wireOf(FIELDS, inputs), { stored: inputs })).toEqual({
      enabled: true,
      tags: ["a"],
      tailConsumers: [{ service: "logs" }],
    });
    expect(inputsFromWire(FIELDS, { enabled: false, previews_enabled: true }, { stored: base })).toEqual({ enabled: false });
    expect(inputsFromWire(FIELDS, { enabled: false, tags: null })).toEqual({ enabled: false, tags: [] });
    expect(inputsFromWire(FIELDS, { enabled: false }, { keys: ["enabled"] })).toEqual({ enabled: false });
  });

  it("tells whether the live object already holds what the inputs ask for", () => {
    expect(sameWire(FIELDS, { ...inputs, adopt: true }, { enabled: true, tags: ["a"], tail_consumers: [{ service: "logs" }] })).toBe(true);
    expect(sameWire(FIELDS, inputs, { enabled: false, tags: ["a"], tail_consumers: [{ service: "logs" }] })).toBe(false);
  });

  it("keeps the stored form of a field whose live value is the same canonically", () => {
    const stored = { ...base, tags: ["b", "a"] };
    expect(keepStoredWhenSame(FIELDS, stored, { ...base, tags: ["a", "b"] })).toEqual(stored);
    expect(keepStoredWhenSame(FIELDS, stored, { ...base, tags: ["a"] })).toEqual({ ...base, tags: ["a"] });
  });
});

describe("storedOutputs", () => {
  const CODE_FIELDS = defineFields(
    {
      ...SCRIPT_SCOPE_FIELDS,
      code: { schema: z.string(), diff: "ignore", inputOnly: true },
      codeHash: { schema: z.string().optional(), diff: "update", computed: true },
    },
    "Code",
  );

  it("leaves out the fields kept in the inputs only, and undefined members", () => {
    const outs = { accountId: ACCOUNT, scriptName: "api", code: "x".repeat(10_000), codeHash: "abc", etag: undefined };
    expect(storedOutputs(CODE_FIELDS, outs)).toEqual({ accountId: ACCOUNT, scriptName: "api", codeHash: "abc" });
  });

  it("is refused where the table is written for a field the diff compares (the diff reads the outputs)", () => {
    expect(() => defineFields({ code: { schema: z.string(), diff: "update", inputOnly: true } }, "Thing")).toThrow(
      'Thing: field code: inputOnly needs diff: "ignore"',
    );
  });
});

describe("defineFields refuses a contradiction where the table is written, naming the table and the field", () => {
  const optionalFlag = booleanSchema.optional();

  it.each([
    ["cleared", { cleared: false }],
    ["read", { read: "whenSet" }],
    ["toWire", { toWire: (v: unknown) => v }],
    ["fromWire", { fromWire: (v: unknown) => v }],
  ] as const)("%s without a wire name (it would do nothing)", (knob, extra) => {
    expect(() => defineFields({ enabled: { schema: optionalFlag, diff: "update", ...extra } }, "Thing")).toThrow(
      `Thing: field enabled: ${knob} needs a wire name (wire: "…"); without one it does nothing`,
    );
  });

  it("unmanagedWhenUnset with read: whenSet (one leaves a removed field as it is, the other restores its default)", () => {
    expect(() =>
      defineFields(
        { previews: { schema: optionalFlag, diff: "update", wire: "previews_enabled", unmanagedWhenUnset: true, read: "whenSet" } },
        "Thing",
      ),
    ).toThrow(/^Thing: field previews: unmanagedWhenUnset with read: "whenSet": choose one/);
  });

  it("unmanagedWhenUnset with a cleared value that would never be sent", () => {
    expect(() =>
      defineFields(
        { previews: { schema: optionalFlag, diff: "update", wire: "previews_enabled", unmanagedWhenUnset: true, cleared: false } },
        "Thing",
      ),
    ).toThrow("Thing: field previews: unmanagedWhenUnset never sends cleared");
  });

  it("unmanagedWhenUnset or read: whenSet on a field the diff never compares", () => {
    expect(() =>
      defineFields({ previews: { schema: optionalFlag, diff: "ignore", wire: "previews_enabled", unmanagedWhenUnset: true } }, "Thing"),
    ).toThrow('Thing: field previews: unmanagedWhenUnset needs a compared field (diff "update" or "replace")');
    expect(() => defineFields({ date: { schema: z.string().optional(), diff: "ignore", wire: "date", read: "whenSet" } }, "Thing")).toThrow(
      'Thing: field date: read: "whenSet" needs a compared field',
    );
  });

  it("a computed field with a wire name (set by check, never sent)", () => {
    expect(() => defineFields({ hash: { schema: z.string().optional(), diff: "update", computed: true, wire: "hash" } }, "Thing")).toThrow(
      "Thing: field hash: a computed field is set by check or the lifecycle and never sent: remove wire",
    );
  });

  it("accepts the Worker's tables (the module loads)", () => {
    expect(Object.keys(WORKER_CONFIG_FIELDS)).toContain("usageModel");
    expect(Object.keys(WORKER_VERSION_FIELDS)).toContain("usageModel");
    expect(Object.keys(WORKER_CRON_TRIGGER_FIELDS)).toEqual(["accountId", "dispatchNamespace", "scriptName", "crons", "adopt"]);
  });
});
