/**
 * Workflows (`PUT/GET/DELETE /accounts/{a}/workflows/{workflow_name}`, GET `/workflows`).
 *
 * PUT creates the Workflow or points it at `{script_name, class_name}` (a Workflow another Worker defined is
 * taken over, which is why wrangler checks for that first: deploy-helpers `check-workflow-conflicts.ts`).
 * A Workflow that does not exist is 404, 10200 "Workflow not found" (that file's `WORKFLOW_NOT_FOUND_CODE`).
 * A Worker that does not exist is 10007; a class the Worker's current version does not export, and a name
 * wrangler's `isValidWorkflowName` refuses, are 400 with a code the emulator chooses (WORKFLOW_ERROR).
 * Deleting a Worker keeps its Workflows, answered with `script_deleted: true` (the SDK's field).
 */
import { CLASS_NAME_PATTERN, WORKFLOW_NAME_PATTERN, WORKFLOW_NOT_FOUND_CODE } from "../../provider/cloudflare/schemas";
import { z } from "zod";
import { ApiError, notFound, ok, type Reply } from "../envelope";
import { ACCOUNT_PREFIX, type Route, type RouteContext } from "../router";
import { hasOwn } from "../scope";
import { nameMap, type StoredAccount, type StoredWorkflow } from "../state";
import { readJson } from "../upload-form";
import { currentVersion, nowIso } from "../worker-model";
import { serialId } from "../zone-model";

export const WORKFLOW_ERROR = {
  NOT_FOUND: WORKFLOW_NOT_FOUND_CODE,
  /** chosen: an invalid name or body. */
  INVALID: 10021,
  /** chosen: `class_name` is not a class the Worker exports. */
  CLASS_NOT_EXPORTED: 10201,
} as const;

function workflowsOf(account: StoredAccount): Record<string, StoredWorkflow> {
  account.workflows ??= nameMap();
  return account.workflows;
}

function workflowObject(account: StoredAccount, w: StoredWorkflow): Record<string, unknown> {
  return {
    id: w.id,
    name: w.name,
    class_name: w.class_name,
    script_name: w.script_name,
    created_on: w.created_on,
    modified_on: w.modified_on,
    triggered_on: null,
    instances: {},
    script_deleted: !hasOwn(account.scripts, w.script_name),
  };
}

function existing(ctx: RouteContext): StoredWorkflow {
  const workflows = workflowsOf(ctx.account);
  const name = ctx.params.workflow!;
  const workflow = hasOwn(workflows, name) ? workflows[name] : undefined;
  if (workflow === undefined) throw new ApiError(404, WORKFLOW_ERROR.NOT_FOUND, "Workflow not found");
  return workflow;
}

const workflowRequestSchema = z.looseObject({ script_name: z.string().min(1), class_name: z.string().regex(CLASS_NAME_PATTERN) });

function putWorkflow(ctx: RouteContext): Reply {
  const name = ctx.params.workflow!;
  if (!WORKFLOW_NAME_PATTERN.test(name)) {
    throw new ApiError(
      400,
      WORKFLOW_ERROR.INVALID,
      "Workflow names must be 1-64 characters long, start with a letter, number, or underscore, and may only contain letters, numbers, underscores, or hyphens.",
    );
  }
  const parsed = workflowRequestSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(400, WORKFLOW_ERROR.INVALID, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  const { script_name, class_name } = parsed.data;
  const script = hasOwn(ctx.account.scripts, script_name) ? ctx.account.scripts[script_name] : undefined;
  if (script === undefined) throw notFound(`Worker '${script_name}' does not exist on your account.`);
  const exported = currentVersion(script).named_handlers.map((h) => h.name);
  if (!exported.includes(class_name)) {
    throw new ApiError(
      400,
      WORKFLOW_ERROR.CLASS_NOT_EXPORTED,
      `Worker '${script_name}' does not export a class named '${class_name}'${exported.length > 0 ? ` (it exports ${exported.join(", ")})` : ""}.`,
    );
  }
  const workflows = workflowsOf(ctx.account);
  const now = nowIso();
  const before = hasOwn(workflows, name) ? workflows[name] : undefined;
  const workflow: StoredWorkflow = before ?? {
    id: serialId("workflow", ctx.account.id, Object.keys(workflows).length + 1),
    name,
    class_name,
    script_name,
    created_on: now,
    modified_on: now,
  };
  workflow.class_name = class_name;
  workflow.script_name = script_name;
  workflow.modified_on = now;
  workflows[name] = workflow;
  return ok(workflowObject(ctx.account, workflow));
}

function getWorkflow(ctx: RouteContext): Reply {
  return ok(workflowObject(ctx.account, existing(ctx)));
}

function listWorkflows(ctx: RouteContext): Reply {
  return ok(
    Object.values(workflowsOf(ctx.account))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((w) => workflowObject(ctx.account, w)),
  );
}

function deleteWorkflow(ctx: RouteContext): Reply {
  const workflow = existing(ctx);
  delete workflowsOf(ctx.account)[workflow.name];
  return ok({ status: "ok", success: true });
}

const WORKFLOWS = `${ACCOUNT_PREFIX}/workflows`;

export const workflowRoutes: Route[] = [
  { method: "GET", pattern: WORKFLOWS, handler: listWorkflows },
  { method: "GET", pattern: `${WORKFLOWS}/:workflow`, handler: getWorkflow },
  { method: "PUT", pattern: `${WORKFLOWS}/:workflow`, handler: putWorkflow },
  { method: "DELETE", pattern: `${WORKFLOWS}/:workflow`, handler: deleteWorkflow },
];
