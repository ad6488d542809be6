/**
 * Cron triggers of a Worker: `GET/PUT /accounts/{a}/workers/scripts/{name}/schedules` (account scope only,
 * as in the official SDK). PUT replaces the whole list.
 *
 * Each expression is parsed as Cloudflare's parser does (provider/cloudflare/schemas/cron.ts): one it cannot
 * parse is 10100 "invalid cron string" (workers-sdk#8923), as are two that compile to the same schedule
 * (saffron's validate: "already exists in the form of"; its code is not documented, 10100 is chosen). More
 * cron triggers on the account than the plan allows is 10072 (the error-code reference; 5 on Workers Free,
 * 250 on Workers Paid per the limits page; `cronTriggerLimit`, default 250).
 */
import { cronKey, cronProblem, CRON_INVALID_CODE, schedulesInputSchema } from "../../provider/cloudflare/schemas";
import { ApiError, ok, type Reply } from "../envelope";
import { SCRIPT_SCOPES, type Route, type RouteContext } from "../router";
import { existingScript } from "../scope";
import { readJson, schemaError } from "../upload-form";
import { requireAccountSubdomain } from "./subdomain";

export const CRON_LIMIT_CODE = 10072;
export const DEFAULT_CRON_TRIGGER_LIMIT = 250;

function getSchedules(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  return ok({ schedules: (script.schedules ?? []).map(scheduleAnswer) });
}

function putSchedules(ctx: RouteContext): Reply {
  const { script } = existingScript(ctx);
  const parsed = schedulesInputSchema.safeParse(readJson(ctx.body));
  if (!parsed.success) throw schemaError(parsed.error, "schedules must be an array of {cron}");
  // Clearing the list needs no workers.dev subdomain (no evidence either way; the lenient choice).
  if (parsed.data.length > 0) requireAccountSubdomain(ctx);
  const seen = new Map<string, string>();
  for (const { cron } of parsed.data) {
    const problem = cronProblem(cron);
    if (problem !== undefined) throw new ApiError(400, CRON_INVALID_CODE, `invalid cron string: ${problem}`);
    const key = cronKey(cron);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      throw new ApiError(400, CRON_INVALID_CODE, `invalid cron string: Expression '${cron}' already exists in the form of '${earlier}'`);
    seen.set(key, cron);
  }
  const limit = ctx.runtime.cronTriggerLimit ?? DEFAULT_CRON_TRIGGER_LIMIT;
  const others = Object.values(ctx.account.scripts)
    .filter((s) => s !== script)
    .reduce((n, s) => n + (s.schedules?.length ?? 0), 0);
  if (others + parsed.data.length > limit) {
    throw new ApiError(
      400,
      CRON_LIMIT_CODE,
      `Cron trigger limit reached: your account allows ${limit} cron triggers. Delete unused triggers or upgrade your plan.`,
    );
  }
  const now = new Date().toISOString();
  const before = new Map((script.schedules ?? []).map((s) => [s.cron, s]));
  script.schedules = parsed.data.map(({ cron }) => ({
    cron,
    created_on: before.get(cron)?.created_on ?? now,
    modified_on: before.get(cron)?.modified_on ?? now,
  }));
  return ok({ schedules: script.schedules.map(scheduleAnswer) });
}

/** A cron as answered: without `modified_on`, which the SDK types optional (the stricter reading for a client). */
function scheduleAnswer(schedule: { cron: string; created_on: string }): Record<string, unknown> {
  return { cron: schedule.cron, created_on: schedule.created_on };
}

export const scheduleRoutes: Route[] = [
  { method: "GET", pattern: `${SCRIPT_SCOPES[0]}/schedules`, handler: getSchedules },
  { method: "PUT", pattern: `${SCRIPT_SCOPES[0]}/schedules`, handler: putSchedules },
];
