/** Paging query parameters (`page`, `per_page`) of the paged endpoints: scripts-search and versions. */
import { validation } from "./envelope";
import type { RouteContext } from "./router";

/** Reads `page`/`per_page`: positive integers, `per_page` at most `max`. */
export function paging(ctx: RouteContext, defaultPerPage: number, max: number): { page: number; perPage: number } {
  const intParam = (name: string, fallback: number): number => {
    const raw = ctx.query.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw validation(`${name} must be a positive integer`);
    return n;
  };
  const page = intParam("page", 1);
  const perPage = intParam("per_page", defaultPerPage);
  if (perPage > max) throw validation(`per_page must be at most ${max}`);
  return { page, perPage };
}
