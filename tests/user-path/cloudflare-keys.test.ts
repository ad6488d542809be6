/**
 * The `cloudflare:` namespace belongs to @pulumi/cloudflare, which refuses keys it does not define
 * (pulumi/pulumi-terraform-bridge#1663): what we ship, document and show in examples names only v6's keys.
 * The two keys of 0.1 appear only where their deprecation is explained. Also: `engines` states the floor
 * the code enforces, which is undici's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CLOUDFLARE_V6_CONFIG_KEYS, DEPRECATED_CONFIG_KEYS, READ_CONFIG_KEYS } from "../../provider/cloudflare";
import { NODE_FLOOR } from "../../provider/node-version";
import { PACKAGE_ROOT } from "../engine/paths";

/** Files allowed to name a deprecated key: the table that reads it, and the notes that explain its move. */
const DEPRECATION_NOTES = ["provider/cloudflare/config.ts", "README.md", "CHANGELOG.md"];

function filesUnder(dir: string): string[] {
  const full = path.join(PACKAGE_ROOT, dir);
  if (!fs.statSync(full).isDirectory()) return [dir];
  return fs
    .readdirSync(full, { withFileTypes: true })
    .flatMap((entry) => (entry.name === "node_modules" ? [] : filesUnder(path.join(dir, entry.name))))
    .filter((file) => /\.(ts|js|md|yaml|json)$/.test(file));
}

const SHIPPED = ["provider", "sdk", "emulator", "cli", "examples", "scripts", "README.md", "CHANGELOG.md", "emulator/README.md"];

test("shipped code, README, CHANGELOG and examples name no cloudflare: key that @pulumi/cloudflare v6 lacks", () => {
  const allowed = new Set<string>(CLOUDFLARE_V6_CONFIG_KEYS);
  const found: string[] = [];
  for (const file of new Set(SHIPPED.flatMap(filesUnder))) {
    const text = fs.readFileSync(path.join(PACKAGE_ROOT, file), "utf8");
    // `cloudflare:workers` and `cloudflare:sockets` are the Workers runtime's module specifiers inside Worker
    // code, not config keys; `cloudflare:config:apiToken` is the long form of `cloudflare:apiToken`.
    for (const [, name] of text.matchAll(/\bcloudflare:(?:config:)?(?!workers\b|sockets\b)([A-Za-z]+)/g)) {
      const key = `cloudflare:${name}`;
      if (allowed.has(key)) continue;
      if (key in DEPRECATED_CONFIG_KEYS && DEPRECATION_NOTES.includes(file)) continue;
      found.push(`${file}: ${key}`);
    }
  }
  expect(found).toEqual([]);
});

test("the provider reads no cloudflare: key outside v6 except the deprecated ones", () => {
  const outside = READ_CONFIG_KEYS.filter(
    (key) => key.startsWith("cloudflare:") && !(CLOUDFLARE_V6_CONFIG_KEYS as readonly string[]).includes(key),
  );
  expect(outside.sort()).toEqual(Object.keys(DEPRECATED_CONFIG_KEYS).sort());
});

test("engines states the floor the entry points enforce, and it is at least undici's", () => {
  const ours = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node;
  expect(ours).toBe(`>=${NODE_FLOOR}`);
  const undici = (require("undici/package.json") as { engines: { node: string } }).engines.node;
  expect(undici).toBe(`>=${NODE_FLOOR}`);
});
