/**
 * Connection reuse: one undici Pool per origin for the whole process, so a stack of a hundred Workers
 * shares a handful of keep-alive connections instead of opening one per call. TLS certificates are always
 * verified (set explicitly, so NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn it off).
 */
import { Pool } from "undici";

/** Connections per origin: enough for parallel resource operations, well under Cloudflare's 200 req/s. */
export const POOL_CONNECTIONS = 16;
const KEEP_ALIVE_TIMEOUT_MS = 10_000;

const pools = new Map<string, Pool>();

/** The dispatcher for `origin` (scheme://host:port), created on first use and reused afterwards. */
export function dispatcherFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (pool === undefined) {
    pool = new Pool(origin, {
      connections: POOL_CONNECTIONS,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      connect: { rejectUnauthorized: true },
    });
    pools.set(origin, pool);
  }
  return pool;
}

/** Closes every pooled connection (tests, or a provider shutting down). Later requests open new pools. */
export async function closeDispatchers(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((pool) => pool.close().catch(() => undefined)));
}

/** How many dispatchers exist (to test reuse). */
export function dispatcherCount(): number {
  return pools.size;
}
