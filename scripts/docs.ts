/**
 * Writes the facts the README's per-resource sections state about each input, from the resource's field
 * table (provider/resources/*.ts): its name, whether a program must set it, what a change of it does, and
 * whether it is stored as a Pulumi secret. Each list sits between `<!-- inputs:Name -->` markers under the
 * resource's heading; the prose around the markers is written by hand.
 *
 *   npm run -s docs          rewrite README.md
 *
 * tests/sdk/docs.test.ts fails when README.md differs from what this writes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DISPATCH_NAMESPACE_FIELDS } from "../provider/resources/dispatch-namespace";
import type { Field, Fields } from "../provider/resources/fields";
import { WORKER_CRON_TRIGGER_FIELDS } from "../provider/resources/worker-cron-trigger";
import { WORKER_CUSTOM_DOMAIN_FIELDS } from "../provider/resources/worker-custom-domain";
import { WORKER_DEPLOYMENT_FIELDS } from "../provider/resources/worker-deployment";
import { WORKER_QUEUE_CONSUMER_FIELDS } from "../provider/resources/worker-queue-consumer";
import { WORKER_ROUTE_FIELDS } from "../provider/resources/worker-route";
import { WORKER_SCRIPT_SETTINGS_FIELDS } from "../provider/resources/worker-script-settings";
import { WORKER_SCRIPT_FIELDS } from "../provider/resources/worker-script";
import { WORKER_SECRET_FIELDS } from "../provider/resources/worker-secret";
import { WORKER_SUBDOMAIN_FIELDS } from "../provider/resources/worker-subdomain";
import { WORKER_VERSION_FIELDS } from "../provider/resources/worker-version";
import { WORKFLOW_FIELDS } from "../provider/resources/workflow";

/** Each resource's field table, under the name of its README section. */
export const RESOURCE_FIELDS: Readonly<Record<string, Fields>> = {
  DispatchNamespace: DISPATCH_NAMESPACE_FIELDS,
  WorkerScript: WORKER_SCRIPT_FIELDS,
  WorkerVersion: WORKER_VERSION_FIELDS,
  WorkerDeployment: WORKER_DEPLOYMENT_FIELDS,
  WorkerSecret: WORKER_SECRET_FIELDS,
  WorkerScriptSettings: WORKER_SCRIPT_SETTINGS_FIELDS,
  WorkerSubdomain: WORKER_SUBDOMAIN_FIELDS,
  WorkerCronTrigger: WORKER_CRON_TRIGGER_FIELDS,
  WorkerRoute: WORKER_ROUTE_FIELDS,
  WorkerCustomDomain: WORKER_CUSTOM_DOMAIN_FIELDS,
  WorkerQueueConsumer: WORKER_QUEUE_CONSUMER_FIELDS,
  Workflow: WORKFLOW_FIELDS,
};

export const DOCS_COMMAND = "npm run -s docs";
export const README = path.join(__dirname, "..", "README.md");

const CHANGE: Record<Field["diff"], string> = {
  replace: "a change replaces the resource",
  update: "a change updates it in place",
  ignore: "not compared (a change alone shows no diff)",
};

/** A key the table names only so that check refuses it with a reason (its schema accepts nothing but unset). */
function refused(field: Field): boolean {
  return (field.schema as { def?: { type?: string } }).def?.type === "undefined";
}

/** One input's line: name, required or optional, what a change does, secret. */
function inputLine(key: string, field: Field): string {
  const facts: string[] = [];
  if (field.fill) facts.push("optional: filled in when unset");
  else facts.push(field.schema.safeParse(undefined).success ? "optional" : "required");
  if (field.unmanagedWhenUnset) facts.push("left to Cloudflare while unset");
  facts.push(CHANGE[field.diff]);
  if (field.secret) facts.push("stored as a Pulumi secret");
  return `- \`${key}\`: ${facts.join("; ")}`;
}

/** The generated list of one resource: its inputs, then what check computes and diff compares. */
export function inputsList(fields: Fields): string[] {
  const entries = Object.entries(fields);
  const lines = entries.filter(([, f]) => !f.computed && !refused(f)).map(([key, field]) => inputLine(key, field));
  for (const [key, field] of entries) {
    if (field.computed && field.diff !== "ignore") lines.push(`- \`${key}\`: set by check, not by the program; ${CHANGE[field.diff]}`);
  }
  return lines;
}

const begin = (name: string) => `<!-- inputs:${name} (generated from the field table by \`${DOCS_COMMAND}\`) -->`;
const end = (name: string) => `<!-- /inputs:${name} -->`;

/** README text with every resource's generated list rewritten; throws when a section lacks its markers. */
export function renderReadme(readme: string): string {
  let out = readme;
  for (const [name, fields] of Object.entries(RESOURCE_FIELDS)) {
    const start = out.indexOf(begin(name));
    const stop = out.indexOf(end(name));
    if (start < 0 || stop < start) throw new Error(`README.md: no "${begin(name)}" … "${end(name)}" markers for ${name}`);
    // Blank lines around the list, as prettier writes Markdown.
    out = `${out.slice(0, start)}${[begin(name), "", ...inputsList(fields), ""].join("\n")}\n${out.slice(stop)}`;
  }
  return out;
}

if (require.main === module) {
  const before = fs.readFileSync(README, "utf8");
  const after = renderReadme(before);
  if (after !== before) fs.writeFileSync(README, after);
  process.stdout.write(after === before ? "README.md is up to date\n" : "README.md rewritten\n");
}
