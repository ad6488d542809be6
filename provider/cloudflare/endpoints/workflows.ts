/** Workflows (`/accounts/{a}/workflows/{workflow_name}`). */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import {
  workflowDeleteSchema,
  workflowInputSchema,
  workflowListSchema,
  workflowSchema,
  type WorkflowInput,
  type WorkflowWire,
} from "../schemas";

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

const WORKFLOWS_PER_PAGE = 100;
/** A safety stop for paging. */
const WORKFLOWS_MAX_PAGES = 100;

/** GET `/workflows`, page after page (the SDK's `V4PagePaginationArray`): every Workflow of the account. */
export async function listWorkflows(client: CloudflareClient, accountId: string): Promise<WorkflowWire[]> {
  const rows: WorkflowWire[] = [];
  for (let page = 1; page <= WORKFLOWS_MAX_PAGES; page++) {
    const answer = await client.requestEnvelope({
      method: "GET",
      path: path`/accounts/${accountId}/workflows`,
      query: { page, per_page: WORKFLOWS_PER_PAGE },
      schema: workflowListSchema,
    });
    rows.push(...answer.result);
    const totalPages = answer.resultInfo?.total_pages;
    const done = totalPages !== undefined ? page >= totalPages : answer.result.length < WORKFLOWS_PER_PAGE;
    if (done || answer.result.length === 0) break;
  }
  return rows;
}
