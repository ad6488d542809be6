/**
 * Wire shapes of Workflows (`/accounts/{a}/workflows/{workflow_name}`), from the official SDK
 * (cloudflare-typescript `resources/workflows/workflows.ts`) and wrangler's deploy (workers-sdk
 * `packages/deploy-helpers/src/triggers/deploy.ts`, which PUTs `{script_name, class_name}`). Liberal answers,
 * strict input.
 */
import { z } from "zod";
import { lenientList } from "./lenient";

export const workflowSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  class_name: z.string(),
  script_name: z.string(),
  created_on: z.string().nullish(),
  modified_on: z.string().nullish(),
  version_id: z.string().nullish(),
  /** Whether the Worker was deleted, leaving the Workflow inactive (SDK). */
  script_deleted: z.boolean().nullish(),
});
export type WorkflowWire = z.infer<typeof workflowSchema>;
export const workflowListSchema = lenientList(workflowSchema);

export const workflowInputSchema = z.strictObject({ script_name: z.string().min(1), class_name: z.string().min(1) });
export type WorkflowInput = z.infer<typeof workflowInputSchema>;
/** DELETE answers `{status: "ok", success}` (SDK); read liberally. */
export const workflowDeleteSchema = z.unknown();

/** "Workflow not found" (wrangler's `WORKFLOW_NOT_FOUND_CODE`, deploy-helpers `check-workflow-conflicts.ts`). */
export const WORKFLOW_NOT_FOUND_CODE = 10200;

/**
 * Workflow names as wrangler validates them: 1-64 characters of letters, digits, `_` and `-`, not starting
 * with `-`; no spaces (workers-sdk `packages/workflows-shared/src/lib/validators.ts`, `isValidWorkflowName`).
 */
export const WORKFLOW_NAME_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,63}$/;
/** A JavaScript class name (what the Worker exports). */
export const CLASS_NAME_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
