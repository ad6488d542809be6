/**
 * The `__provider` Pulumi stores with every resource (twice: inputs and outputs), as a user's project gets
 * it: the package installed under node_modules, where Pulumi's closure serialization writes the shared
 * methods module as one `require`. Each text is then a few hundred bytes, and the host that evaluates it
 * reaches the real implementation. In a linked checkout the methods are copied by value: larger, same behaviour.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeProjectDir } from "../engine/project-dir";

/** Runs in the project folder: serializes each implementation's provider, evaluates the text as the host does, calls check. */
const SCRIPT = `
const path = require("node:path");
const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
const requireFromString = require(require.resolve("require-from-string", { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] }));
const { lazyProvider } = require(path.join(path.dirname(require.resolve("pulumi-cloudflare-workers")), "lazy-provider.js"));
const implementations = Object.keys(require("pulumi-cloudflare-workers/provider")).filter((k) => k.endsWith("Provider"));
(async () => {
  const out = {};
  for (const name of implementations) {
    const provider = lazyProvider(name);
    const { text } = await serializeFunction(() => provider, { allowSecrets: true });
    const revived = requireFromString(text).handler();
    const checked = await revived.check({}, { notAnInput: true });
    out[name] = { text, failures: (checked.failures || []).map((f) => f.property) };
  }
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { console.error(error); process.exit(1); });
`;

function serializedProviders(installed: boolean): Record<string, { text: string; failures: string[] }> {
  const project = makeProjectDir({ installed });
  try {
    fs.writeFileSync(path.join(project.dir, "serialize.js"), SCRIPT);
    const run = spawnSync(process.execPath, ["serialize.js"], { cwd: project.dir, encoding: "utf8", timeout: 60_000 });
    if (run.status !== 0) throw new Error(`serialize.js exited ${run.status}: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, { text: string; failures: string[] }>;
  } finally {
    project.cleanup();
  }
}

describe("the serialized provider of an installed package", () => {
  const installed = serializedProviders(true);
  const linked = serializedProviders(false);

  it("covers every implementation the provider package exports", () => {
    expect(Object.keys(installed)).toContain("workerScriptProvider");
    expect(Object.keys(installed).length).toBeGreaterThanOrEqual(10);
  });

  it.each(Object.keys(installed))("is one require of the shared methods and the name of %s, under 400 bytes", (name) => {
    const { text } = installed[name]!;
    expect(text).toContain('Object.create(require("pulumi-cloudflare-workers/dist/sdk/lazy-methods.js"))');
    expect(text).toContain(`.implementation = "${name}"`);
    expect(text.length).toBeLessThan(400);
  });

  it.each(Object.keys(installed))("reaches the real implementation of %s once evaluated, installed or linked", (name) => {
    // Every check refuses an unknown key, naming it: the call went through to the resource's own check.
    expect(installed[name]!.failures).toContain("notAnInput");
    expect(linked[name]!.failures).toContain("notAnInput");
  });

  it("is the same text for every implementation but the name", () => {
    const texts = new Set(Object.entries(installed).map(([name, { text }]) => text.replace(name, "X")));
    expect(texts.size).toBe(1);
  });
});
