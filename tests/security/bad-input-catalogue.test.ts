/**
 * The bad-input catalogue: every input of every resource with malformed values. Each is refused by `check`
 * (what `pulumi preview` runs first) with a failure naming the property, and nothing reaches the API: the
 * emulator's request log stays empty. A few cases also go through the engine to show what a user sees.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { workerScriptProvider } from "../../provider/resources/worker-script";
import { workerSecretProvider } from "../../provider/resources/worker-secret";
import { workerScriptSettingsProvider } from "../../provider/resources/worker-script-settings";
import { workerSubdomainProvider } from "../../provider/resources/worker-subdomain";
import { MAX_TOTAL_MODULE_BYTES } from "../../provider/resources/modules";
import { ACCOUNT, useEmulator } from "../support";

type Json = Record<string, unknown>;
type Provider = { check(olds: Json, news: Json): Promise<{ inputs?: Json; failures?: { property: string; reason: string }[] }> };

const PROVIDERS: Record<string, Provider> = {
  WorkerScript: workerScriptProvider as unknown as Provider,
  WorkerSecret: workerSecretProvider as unknown as Provider,
  WorkerScriptSettings: workerScriptSettingsProvider as unknown as Provider,
  WorkerSubdomain: workerSubdomainProvider as unknown as Provider,
};

const BASE: Record<string, Json> = {
  WorkerScript: { scriptName: "api", content: "export default { fetch() { return new Response('ok') } }", compatibilityDate: "2025-09-01" },
  WorkerSecret: { scriptName: "api", name: "API_TOKEN", text: "s3cr3t-value-for-the-catalogue" },
  WorkerScriptSettings: { scriptName: "api", logpush: true },
  WorkerSubdomain: { scriptName: "api", enabled: true },
};

/** [resource, what is wrong, inputs merged over the base (undefined removes a key), the property to name]. */
type Case = [resource: string, label: string, change: Json, property: string];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bad-input-"));
const invalidUtf8File = path.join(tmp, "bad.js");
fs.writeFileSync(invalidUtf8File, Buffer.from([0x65, 0x78, 0xff, 0xfe, 0xc3, 0x28]));
const directory = path.join(tmp, "a-directory");
fs.mkdirSync(directory);
const HUGE = "x".repeat(MAX_TOTAL_MODULE_BYTES + 1);

/** Names with path tricks and header-breaking characters, refused wherever a name goes into a URL or a header. */
const TRICKY_NAMES = ["../x", "a/b", "..", ".", "a\r\nb", "a\nX-Injected: 1", "a b", "a?b", "a#b", "%2e%2e", "a\u0000b", "ä"];

const SCOPE_CASES: Case[] = Object.keys(BASE).flatMap((resource): Case[] => [
  ...TRICKY_NAMES.map((name): Case => [resource, `scriptName ${JSON.stringify(name)}`, { scriptName: name }, "scriptName"]),
  [resource, "scriptName upper case", { scriptName: "My-Worker" }, "scriptName"],
  [resource, "scriptName starting with '-'", { scriptName: "-api" }, "scriptName"],
  [resource, "scriptName of 64 characters", { scriptName: "a".repeat(64) }, "scriptName"],
  [resource, "scriptName empty", { scriptName: "" }, "scriptName"],
  [resource, "scriptName missing", { scriptName: undefined }, "scriptName"],
  [resource, "scriptName a number", { scriptName: 42 }, "scriptName"],
  [resource, "scriptName an object", { scriptName: { name: "api" } }, "scriptName"],
  [resource, "accountId not hexadecimal", { accountId: "not-an-account" }, "accountId"],
  [resource, "accountId upper-case hex", { accountId: ACCOUNT.toUpperCase() }, "accountId"],
  [resource, "accountId with a path", { accountId: `${ACCOUNT}/../x` }, "accountId"],
  [resource, "accountId with CR/LF", { accountId: `${ACCOUNT}\r\n` }, "accountId"],
  [resource, "accountId a number", { accountId: 1234 }, "accountId"],
  [resource, "an unknown input (typo)", { scriptname: "api" }, "scriptname"],
]);

const NAMESPACE_CASES: Case[] = ["WorkerScript", "WorkerSecret", "WorkerScriptSettings"].flatMap((resource): Case[] => [
  ...["../x", "a/b", "NS", "a\r\nb", ""].map((ns): Case => [
    resource,
    `dispatchNamespace ${JSON.stringify(ns)}`,
    { dispatchNamespace: ns },
    "dispatchNamespace",
  ]),
  [resource, "a dispatch script name with a path", { dispatchNamespace: "customers", scriptName: "../x" }, "scriptName"],
  [resource, "a dispatch script name with CR/LF", { dispatchNamespace: "customers", scriptName: "a\r\nb" }, "scriptName"],
]);

const SCRIPT_CASES: Case[] = [
  ["WorkerScript", "content a number", { content: 42 }, "content"],
  ["WorkerScript", "content with a lone surrogate (not valid Unicode)", { content: "export default {}\uD800" }, "content"],
  ["WorkerScript", "content and modules together", { modules: { "a.js": { content: "x" } } }, "content"],
  ["WorkerScript", "no code at all", { content: undefined }, "modules"],
  ["WorkerScript", "modules empty", { content: undefined, modules: {} }, "modules"],
  ...["../x.js", "a/../b.js", "/abs.js", "a//b.js", "./a.js", "a\r\nb.js", 'a"b.js', "a\\b.js", "", "x".repeat(256) + ".js"].map(
    (name): Case => [
      "WorkerScript",
      `a module named ${JSON.stringify(name.slice(0, 20))}`,
      { content: undefined, modules: { [name]: { content: "x", type: "esm" }, "index.js": { content: "y" } }, mainModule: "index.js" },
      "modules",
    ],
  ),
  [
    "WorkerScript",
    "a module named metadata (the upload's metadata part)",
    { content: undefined, modules: { metadata: { content: "x", type: "text" }, "index.js": { content: "y" } }, mainModule: "index.js" },
    "modules",
  ],
  [
    "WorkerScript",
    "a module with an unknown type",
    { content: undefined, modules: { "index.js": { content: "x", type: "typescript" } } },
    "modules",
  ],
  ["WorkerScript", "a module whose type cannot be inferred", { content: undefined, modules: { "index.ts": { content: "x" } } }, "modules"],
  [
    "WorkerScript",
    "a module with content and path",
    { content: undefined, modules: { "index.js": { content: "x", path: invalidUtf8File } } },
    "modules",
  ],
  [
    "WorkerScript",
    "a module with an unknown field",
    { content: undefined, modules: { "index.js": { content: "x", encoding: "utf8" } } },
    "modules",
  ],
  ["WorkerScript", "a module that is a string", { content: undefined, modules: { "index.js": "export default {}" } }, "modules"],
  [
    "WorkerScript",
    "a module file that does not exist",
    { content: undefined, modules: { "index.js": { path: path.join(tmp, "missing.js") } } },
    "modules",
  ],
  ["WorkerScript", "a module path that is a directory", { content: undefined, modules: { "index.js": { path: directory } } }, "modules"],
  [
    "WorkerScript",
    "a module file that is not valid UTF-8",
    { content: undefined, modules: { "index.js": { path: invalidUtf8File } } },
    "modules",
  ],
  [
    "WorkerScript",
    "modules bigger than the limit",
    { content: undefined, modules: { "index.js": { content: "export default {}" }, "big.txt": { content: HUGE } }, mainModule: "index.js" },
    "modules",
  ],
  [
    "WorkerScript",
    "several modules without mainModule",
    { content: undefined, modules: { "a.js": { content: "x" }, "b.js": { content: "y" } } },
    "mainModule",
  ],
  [
    "WorkerScript",
    "mainModule not among the modules",
    { content: undefined, modules: { "a.js": { content: "x" } }, mainModule: "b.js" },
    "mainModule",
  ],
  ["WorkerScript", "bindings not a list", { bindings: "KV" }, "bindings"],
  ["WorkerScript", "an unknown binding type", { bindings: [{ type: "quantum_entangler", name: "Q" }] }, "bindings"],
  ["WorkerScript", "a binding without a type", { bindings: [{ name: "Q" }] }, "bindings"],
  ["WorkerScript", "a binding without a name", { bindings: [{ type: "plain_text", text: "x" }] }, "bindings"],
  ["WorkerScript", "a binding name with CR/LF", { bindings: [{ type: "plain_text", name: "A\r\nB", text: "x" }] }, "bindings"],
  [
    "WorkerScript",
    "two bindings with one name",
    {
      bindings: [
        { type: "plain_text", name: "A", text: "x" },
        { type: "plain_text", name: "A", text: "y" },
      ],
    },
    "bindings",
  ],
  ["WorkerScript", "a kv binding without namespaceId", { bindings: [{ type: "kv_namespace", name: "KV" }] }, "bindings"],
  ["WorkerScript", "a plain_text binding whose text is a number", { bindings: [{ type: "plain_text", name: "A", text: 5 }] }, "bindings"],
  [
    "WorkerScript",
    "a binding with an unknown field",
    { bindings: [{ type: "plain_text", name: "A", text: "x", colour: "red" }] },
    "bindings",
  ],
  ["WorkerScript", "an inherit binding", { bindings: [{ type: "inherit", name: "OLD" }] }, "bindings"],
  ["WorkerScript", "a d1 binding without a database", { bindings: [{ type: "d1", name: "DB" }] }, "bindings"],
  ["WorkerScript", "compatibilityDate not a date", { compatibilityDate: "yesterday" }, "compatibilityDate"],
  ["WorkerScript", "compatibilityDate not a calendar date", { compatibilityDate: "2025-13-45" }, "compatibilityDate"],
  ["WorkerScript", "compatibilityDate a number", { compatibilityDate: 20250101 }, "compatibilityDate"],
  ["WorkerScript", "compatibilityFlags not a list", { compatibilityFlags: "nodejs_compat" }, "compatibilityFlags"],
  ["WorkerScript", "a compatibility flag with spaces", { compatibilityFlags: ["nodejs compat"] }, "compatibilityFlags"],
  ["WorkerScript", "a compatibility flag with CR/LF", { compatibilityFlags: ["a\r\nb"] }, "compatibilityFlags"],
  ["WorkerScript", "placement with an unknown mode", { placement: { mode: "everywhere" } }, "placement"],
  ["WorkerScript", "placement with an unknown field", { placement: { mode: "smart", colour: "red" } }, "placement"],
  ["WorkerScript", "limits with a negative cpuMs", { limits: { cpuMs: -1 } }, "limits"],
  ["WorkerScript", "limits with a fractional cpuMs", { limits: { cpuMs: 1.5 } }, "limits"],
  ["WorkerScript", "limits with an unknown field", { limits: { cpu: 50 } }, "limits"],
  ["WorkerScript", "an unknown usageModel", { usageModel: "free" }, "usageModel"],
  ["WorkerScript", "migrations not an object", { migrations: "v1" }, "migrations"],
  ["WorkerScript", "migrations whose steps are not a list", { migrations: { newTag: "v1", steps: "x" } }, "migrations"],
  [
    "WorkerScript",
    "migrations with a class list that is not a list",
    { migrations: { newTag: "v1", newClasses: "Counter" } },
    "migrations",
  ],
  ["WorkerScript", "an annotation message over 100 characters", { annotations: { workersMessage: "m".repeat(101) } }, "annotations"],
  ["WorkerScript", "an annotation tag over 25 characters", { annotations: { workersTag: "t".repeat(26) } }, "annotations"],
  ["WorkerScript", "an unknown annotation", { annotations: { workersAuthor: "me" } }, "annotations"],
  ["WorkerScript", "keepBindings with an unknown type", { keepBindings: ["secret_sauce"] }, "keepBindings"],
  ["WorkerScript", "adopt not a boolean", { adopt: "yes" }, "adopt"],
  ["WorkerScript", "force not a boolean", { force: "true" }, "force"],
];

const SECRET_CASES: Case[] = [
  ...["../x", "a/b", "A B", "a\r\nb", "A\nX-Injected: 1", "1ABC", "", "A".repeat(257), "A?B", "A%2F"].map((name): Case => [
    "WorkerSecret",
    `name ${JSON.stringify(name.slice(0, 20))}`,
    { name },
    "name",
  ]),
  ["WorkerSecret", "name missing", { name: undefined }, "name"],
  ["WorkerSecret", "name a number", { name: 7 }, "name"],
  ["WorkerSecret", "text a number", { text: 12345 }, "text"],
  ["WorkerSecret", "text over 5 KiB", { text: "v".repeat(5 * 1024 + 1) }, "text"],
  ["WorkerSecret", "neither text nor secretKey", { text: undefined }, "text"],
  [
    "WorkerSecret",
    "both text and secretKey",
    { secretKey: { format: "raw", algorithm: { name: "HMAC", hash: "SHA-256" }, usages: ["sign"], keyBase64: "AAAA" } },
    "text",
  ],
  [
    "WorkerSecret",
    "secretKey with an unknown format",
    { text: undefined, secretKey: { format: "pem", algorithm: { name: "HMAC" }, usages: ["sign"], keyBase64: "AAAA" } },
    "secretKey",
  ],
  [
    "WorkerSecret",
    "secretKey without usages",
    { text: undefined, secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: [], keyBase64: "AAAA" } },
    "secretKey",
  ],
  [
    "WorkerSecret",
    "secretKey with an unknown usage",
    { text: undefined, secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: ["launch"], keyBase64: "AAAA" } },
    "secretKey",
  ],
  [
    "WorkerSecret",
    "secretKey whose keyBase64 is not base64",
    { text: undefined, secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: ["sign"], keyBase64: "not base64!\r\n" } },
    "secretKey",
  ],
  [
    "WorkerSecret",
    "a jwk secretKey without keyJwk",
    { text: undefined, secretKey: { format: "jwk", algorithm: { name: "HMAC" }, usages: ["sign"] } },
    "secretKey",
  ],
  [
    "WorkerSecret",
    "secretKey with an unknown field",
    { text: undefined, secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: ["sign"], keyBase64: "AAAA", extractable: true } },
    "secretKey",
  ],
  ["WorkerSecret", "secretKey a string", { text: undefined, secretKey: "-----BEGIN PRIVATE KEY-----" }, "secretKey"],
  ["WorkerSecret", "adopt not a boolean", { adopt: 1 }, "adopt"],
];

const SETTINGS_CASES: Case[] = [
  ["WorkerScriptSettings", "logpush a string", { logpush: "true" }, "logpush"],
  ["WorkerScriptSettings", "nothing to manage", { logpush: undefined }, "logpush"],
  ["WorkerScriptSettings", "observability without enabled", { observability: { headSamplingRate: 0.5 } }, "observability"],
  [
    "WorkerScriptSettings",
    "observability with a sampling rate above 1",
    { observability: { enabled: true, headSamplingRate: 2 } },
    "observability",
  ],
  ["WorkerScriptSettings", "observability with an unknown field", { observability: { enabled: true, sampling: 1 } }, "observability"],
  ["WorkerScriptSettings", "tags not a list", { tags: "a,b" }, "tags"],
  ["WorkerScriptSettings", "a tag with a comma", { tags: ["a,b"] }, "tags"],
  ["WorkerScriptSettings", "an empty tag", { tags: [""] }, "tags"],
  ["WorkerScriptSettings", "a tag over the length limit", { tags: ["t".repeat(1025)] }, "tags"],
  ["WorkerScriptSettings", "more tags than allowed", { tags: Array.from({ length: 9 }, (_, i) => `t${i}`) }, "tags"],
  ["WorkerScriptSettings", "a tag that is a number", { tags: [1] }, "tags"],
  ["WorkerScriptSettings", "tailConsumers not a list", { tailConsumers: { service: "x" } }, "tailConsumers"],
  ["WorkerScriptSettings", "a tail consumer without service", { tailConsumers: [{}] }, "tailConsumers"],
  ["WorkerScriptSettings", "a tail consumer with an empty service", { tailConsumers: [{ service: "" }] }, "tailConsumers"],
  [
    "WorkerScriptSettings",
    "a tail consumer with an unknown field",
    { tailConsumers: [{ service: "logs", colour: "red" }] },
    "tailConsumers",
  ],
];

const SUBDOMAIN_CASES: Case[] = [
  ["WorkerSubdomain", "enabled missing", { enabled: undefined }, "enabled"],
  ["WorkerSubdomain", "enabled a string", { enabled: "true" }, "enabled"],
  ["WorkerSubdomain", "previewsEnabled a string", { previewsEnabled: "no" }, "previewsEnabled"],
  ["WorkerSubdomain", "a dispatch namespace (no workers.dev there)", { dispatchNamespace: "customers" }, "dispatchNamespace"],
];

export const CATALOGUE: Case[] = [
  ...SCOPE_CASES,
  ...NAMESPACE_CASES,
  ...SCRIPT_CASES,
  ...SECRET_CASES,
  ...SETTINGS_CASES,
  ...SUBDOMAIN_CASES,
];

function inputs(resource: string, change: Json): Json {
  const out: Json = { ...BASE[resource], ...change };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

const emulator = useEmulator();
afterAll(() => {
  const byResource = CATALOGUE.reduce<Record<string, number>>((n, [r]) => ({ ...n, [r]: (n[r] ?? 0) + 1 }), {});
  console.log(
    `bad-input figures: ${JSON.stringify({ cases: CATALOGUE.length, byResource, properties: new Set(CATALOGUE.map((c) => `${c[0]}.${c[3]}`)).size })}`,
  );
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("bad-input catalogue: check refuses, names the property, and nothing is sent", () => {
  it("every base input is valid, so each case below fails for its one change", async () => {
    for (const [resource, base] of Object.entries(BASE)) {
      const result = await PROVIDERS[resource]!.check({}, base);
      expect([resource, result.failures ?? []]).toEqual([resource, []]);
    }
  });

  it.each(CATALOGUE.map((c) => [`${c[0]}: ${c[1]} → ${c[3]}`, c] as const))("%s", async (_label, [resource, , change, property]) => {
    emulator.clearRequests();
    const result = await PROVIDERS[resource]!.check({}, inputs(resource, change));
    const failures = result.failures ?? [];
    expect(failures.map((f) => f.property)).toContain(property);
    // The reason repeats the property (or its path), so the message stands on its own in `pulumi preview`.
    for (const f of failures) expect(f.reason.length).toBeGreaterThan(0);
    expect(failures.find((f) => f.property === property)!.reason).toMatch(
      new RegExp(`${property}|${property.replace(/[A-Z].*/, "")}|exactly one|at least one|a Worker needs|module`, "i"),
    );
    expect(emulator.requests).toEqual([]);
  });

  it("no failure reason quotes a secret's value or key material", async () => {
    const value = "TOP-SECRET-VALUE-".repeat(400);
    const key = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=".repeat(3);
    const results = await Promise.all([
      workerSecretProvider.check({}, { scriptName: "api", name: "A", text: value }),
      workerSecretProvider.check({}, { scriptName: "api", name: "a/b", text: "TOP-SECRET-VALUE-" }),
      workerSecretProvider.check(
        {},
        {
          scriptName: "api",
          name: "A",
          secretKey: { format: "pem" as never, algorithm: { name: "HMAC" }, usages: ["sign"], keyBase64: key },
        },
      ),
      workerSecretProvider.check(
        {},
        { scriptName: "api", name: "A", secretKey: { format: "raw", algorithm: { name: "HMAC" }, usages: ["sign"], keyBase64: `${key}!` } },
      ),
      workerScriptProvider.check(
        {},
        {
          scriptName: "api",
          content: "x",
          bindings: [
            { type: "secret_text", name: "S", text: 5 as never },
            { type: "secret_text", name: "S", text: "TOP-SECRET-VALUE-" },
          ],
        },
      ),
    ]);
    const text = JSON.stringify(results.map((r) => r.failures));
    expect(results.every((r) => (r.failures ?? []).length > 0)).toBe(true);
    expect(text).not.toContain("TOP-SECRET-VALUE");
    expect(text).not.toContain(key.slice(0, 20));
  });
});
