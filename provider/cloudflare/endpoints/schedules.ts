/** Cron triggers of a Worker (`…/scripts/{name}/schedules`, account scope only). */
import type { CloudflareClient } from "../client";
import { path } from "../paths";
import { schedulesInputSchema, schedulesResultSchema, type SchedulesResult } from "../schemas";

/** GET `…/schedules`. */
export async function getSchedules(client: CloudflareClient, accountId: string, scriptName: string): Promise<SchedulesResult> {
  return client.request({
    method: "GET",
    path: path`/accounts/${accountId}/workers/scripts/${scriptName}/schedules`,
    schema: schedulesResultSchema,
  });
}

/** PUT `…/schedules` with the whole list (`[]` removes every cron trigger). Replacing is idempotent. */
export async function putSchedules(
  client: CloudflareClient,
  accountId: string,
  scriptName: string,
  crons: readonly string[],
): Promise<SchedulesResult> {
  return client.request({
    method: "PUT",
    path: path`/accounts/${accountId}/workers/scripts/${scriptName}/schedules`,
    json: schedulesInputSchema.parse(crons.map((cron) => ({ cron }))),
    schema: schedulesResultSchema,
  });
}
