/**
 * Tags of a Worker in a dispatch namespace (official SDK `workersForPlatforms.dispatch.namespaces.scripts.tags`):
 * GET `…/tags` (a single page of strings), PUT `…/tags` (JSON array, or null: replaces them all), DELETE
 * `…/tags/{tag}` (result null). At account scope tags live in `…/script-settings`, which a namespace lacks.
 */
import { z } from "zod";
import { ok, type Reply } from "../envelope";
import { SCRIPT_SCOPES, type RouteContext, type Route } from "../router";
import { existingScript } from "../scope";
import { checkTags, readJson, schemaError } from "../upload-form";

const NAMESPACE_SCRIPT = SCRIPT_SCOPES[1];
const tagsBodySchema = z.array(z.string()).nullable();

function listTags(ctx: RouteContext): Reply {
  return ok(existingScript(ctx).script.tags);
}

function putTags(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const raw = readJson(ctx.body);
  checkTags(raw);
  const parsed = tagsBodySchema.safeParse(raw);
  if (!parsed.success) throw schemaError(parsed.error, "tags");
  script.tags = [...new Set(parsed.data ?? [])];
  script.modified_on = new Date().toISOString();
  return ok(script.tags);
}

function deleteTag(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  script.tags = script.tags.filter((t) => t !== ctx.params.tag);
  script.modified_on = new Date().toISOString();
  return ok(null);
}

export const tagRoutes: Route[] = [
  { method: "GET", pattern: `${NAMESPACE_SCRIPT}/tags`, handler: listTags },
  { method: "PUT", pattern: `${NAMESPACE_SCRIPT}/tags`, handler: putTags },
  { method: "DELETE", pattern: `${NAMESPACE_SCRIPT}/tags/:tag`, handler: deleteTag },
];
