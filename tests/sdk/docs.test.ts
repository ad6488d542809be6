/**
 * The README's per-resource input lists are written by scripts/docs.ts from the field tables: a table that
 * changes without `npm run -s docs` leaves README.md stale, and this suite says so.
 */
import * as fs from "node:fs";
import { DOCS_COMMAND, README, RESOURCE_FIELDS, inputsList, renderReadme } from "../../scripts/docs";
import { WORKER_ROUTE_FIELDS } from "../../provider/resources/worker-route";
import { WORKER_SECRET_FIELDS } from "../../provider/resources/worker-secret";

describe("the README's input lists", () => {
  const readme = fs.readFileSync(README, "utf8");

  it("are what the field tables say (else run the docs command)", () => {
    const fresh = renderReadme(readme);
    if (fresh !== readme) throw new Error(`README.md is stale: run \`${DOCS_COMMAND}\` and commit README.md`);
    expect(fresh).toBe(readme);
  });

  it("name each resource's required inputs, what a change does, and the secret ones", () => {
    expect(inputsList(WORKER_ROUTE_FIELDS)).toEqual([
      "- `zoneId`: required; a change replaces the resource",
      "- `pattern`: required; a change updates it in place",
      "- `scriptName`: required; a change updates it in place",
      "- `adopt`: optional; a change updates it in place",
    ]);
    expect(inputsList(WORKER_SECRET_FIELDS)).toContain("- `text`: optional; a change updates it in place; stored as a Pulumi secret");
  });

  it("follow a table change: an input made optional reads as optional", () => {
    const changed = {
      ...WORKER_ROUTE_FIELDS,
      zoneId: { ...WORKER_ROUTE_FIELDS.zoneId, schema: WORKER_ROUTE_FIELDS.zoneId.schema.optional() },
    };
    expect(inputsList(changed)[0]).toBe("- `zoneId`: optional; a change replaces the resource");
    expect(renderReadme(readme.replace(inputsList(WORKER_ROUTE_FIELDS)[0]!, "- `zoneId`: optional"))).toBe(readme);
  });

  it("cover every resource, each between its markers, in lines a terminal shows whole", () => {
    for (const name of Object.keys(RESOURCE_FIELDS)) expect(readme).toContain(`<!-- /inputs:${name} -->`);
    expect(() => renderReadme(readme.replace("<!-- /inputs:Workflow -->", ""))).toThrow("markers for Workflow");
    const generated = Object.values(RESOURCE_FIELDS).flatMap(inputsList);
    expect(Math.max(...generated.map((line) => line.length))).toBeLessThanOrEqual(120);
  });
});
