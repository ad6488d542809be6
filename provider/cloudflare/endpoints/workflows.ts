/** Workflows (`/accounts/{a}/workflows/{workflow_name}`). */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import { workflowDeleteSchema, workflowInputSchema, workflowSchema, type WorkflowInput, type WorkflowWire } from "../schemas";

export async function getWorkflow(client: CloudflareClient, accountId: string, name: string): Promise<WorkflowWire> {
  return client.request({ method: "GET", path: path`/accounts/${accountId}/workflows/${name}`, schema: workflowSchema });
}

/** PUT: creates the Workflow or updates its definition (SDK `workflows.update`). Idempotent. */
export async function putWorkflow(client: CloudflareClient, accountId: string, name: string, body: WorkflowInput): Promise<WorkflowWire> {
  return client.request({
    method: "PUT",
    path: path`/accounts/${accountId}/workflows/${name}`,
    json: workflowInputSchema.parse(body),
    schema: workflowSchema,
    retrySafe: true,
  });
}

/** DELETE: the Workflow only; its Worker stays (SDK). */
export async function deleteWorkflow(client: CloudflareClient, accountId: string, name: string): Promise<void> {
  await client.request({ method: "DELETE", path: path`/accounts/${accountId}/workflows/${name}`, schema: workflowDeleteSchema });
}
