/**
 * One "process" of the shared-log test: a limiter on the file store given in CFW_LIMITER_CHILD_ARGS, asking for `count`
 * requests at once; prints how many it was granted within `deadlineMs` as JSON, then exits.
 */
import { SlidingWindowLimiter, fileLimiterStore } from "../../../provider/cloudflare/limiter";

const [file, count, limit, deadlineMs] = JSON.parse(process.env.CFW_LIMITER_CHILD_ARGS ?? "[]") as string[];
const limiter = new SlidingWindowLimiter({ limit: Number(limit), windowMs: 600_000, store: fileLimiterStore(file!) });
let granted = 0;
for (let i = 0; i < Number(count); i++) void limiter.acquire().then(() => granted++);
setTimeout(() => {
  process.stdout.write(JSON.stringify({ granted }));
  process.exit(0);
}, Number(deadlineMs));
