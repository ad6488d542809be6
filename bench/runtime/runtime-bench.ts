/**
 * The local Workers runtime (`startEmulator({ runWorkers: true })`): for 1, 10 and 50 deployed Workers,
 * - upload: wall time of the N uploads through the API, with the runtime and without (the API answers before
 *   workerd restarts, so the control plane should not slow down);
 * - first answer: from the last upload's answer until every Worker answers over HTTP (workerd started with all N);
 * - redeploy: from a code upload's answer until the next request sees the new code (workerd restarted with N);
 * - memory: resident memory of the workerd process, total and per Worker, and of this Node process's growth.
 *
 * `npm run bench -- runtime` (or `nice npx tsx bench/runtime/runtime-bench.ts`). Prints figures, asserts nothing.
 */
import { readdirSync, readFileSync } from "node:fs";
import { DEFAULT_ACCOUNT_ID, DEFAULT_EMULATOR_TOKEN, startEmulator, type Emulator } from "../../emulator";

const COUNTS = [1, 10, 50];
const KV_ID = "0badc0de0badc0de0badc0de0badc0de";

function workerCode(i: number, edition: number): string {
  return `export default { async fetch(req, env) { await env.KV.put("w${i}", "${edition}"); return new Response("worker ${i} edition ${edition} " + env.LABEL); } };`;
}

async function upload(emulator: Emulator, i: number, edition: number): Promise<void> {
  const form = new FormData();
  const metadata = {
    main_module: "index.js",
    compatibility_date: "2025-09-01",
    bindings: [
      { type: "plain_text", name: "LABEL", text: `label-${i}` },
      { type: "kv_namespace", name: "KV", namespace_id: KV_ID },
    ],
  };
  form.set("metadata", JSON.stringify(metadata));
  form.set("index.js", new Blob([workerCode(i, edition)], { type: "application/javascript+module" }), "index.js");
  const res = await fetch(`${emulator.url}/accounts/${DEFAULT_ACCOUNT_ID}/workers/scripts/bench-${i}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${DEFAULT_EMULATOR_TOKEN}` },
    body: form,
  });
  if (!res.ok) throw new Error(`upload of bench-${i} failed: ${res.status} ${await res.text()}`);
}

async function answer(origin: string, i: number): Promise<string> {
  const res = await fetch(`${origin}/__workers/bench-${i}/`);
  return res.text();
}

/** Resident memory (MiB) of this process's descendants named workerd, read from /proc (Linux). */
function workerdRssMiB(): number {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      names.set(Number(entry), name);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while being read.
    }
  }
  let kib = 0;
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      if (names.get(child) === "workerd") {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child}/status`, "utf8"));
        kib += Number(m?.[1] ?? 0);
      }
      walk(child);
    }
  };
  walk(process.pid);
  return kib / 1024;
}

async function until(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
  return performance.now() - started;
}

async function uploads(runWorkers: boolean, n: number): Promise<number> {
  const emulator = await startEmulator({ runWorkers });
  try {
    const started = performance.now();
    for (let i = 0; i < n; i++) await upload(emulator, i, 1);
    return performance.now() - started;
  } finally {
    await emulator.close();
  }
}

async function measure(n: number): Promise<string> {
  const apiOnly = await uploads(false, n);
  const heapBefore = process.memoryUsage().rss / 2 ** 20;
  const emulator = await startEmulator({ runWorkers: true });
  const origin = new URL(emulator.url).origin;
  try {
    const started = performance.now();
    for (let i = 0; i < n; i++) await upload(emulator, i, 1);
    const withRuntime = performance.now() - started;
    const firstAnswer = await until(async () => {
      const texts = await Promise.all(Array.from({ length: n }, (_, i) => answer(origin, i)));
      return texts.every((t, i) => t === `worker ${i} edition 1 label-${i}`);
    });
    const workerd = workerdRssMiB();
    const nodeGrowth = process.memoryUsage().rss / 2 ** 20 - heapBefore;
    await upload(emulator, 0, 2);
    const redeploy = await until(async () => (await answer(origin, 0)) === "worker 0 edition 2 label-0");
    return [
      String(n).padStart(7),
      `${apiOnly.toFixed(0)} ms`.padStart(14),
      `${withRuntime.toFixed(0)} ms`.padStart(15),
      `${firstAnswer.toFixed(0)} ms`.padStart(13),
      `${redeploy.toFixed(0)} ms`.padStart(10),
      `${workerd.toFixed(0)} MiB`.padStart(13),
      `${(workerd / n).toFixed(1)} MiB`.padStart(11),
      `${nodeGrowth.toFixed(0)} MiB`.padStart(10),
    ].join(" ");
  } finally {
    await emulator.close();
  }
}

export async function runRuntimeBenchmark(): Promise<void> {
  console.log("Deployed Workers running in workerd (miniflare), one process for all; each Worker binds plain_text and a shared KV.");
  console.log("workers  uploads, API only  uploads, runtime  first answer  redeploy  workerd RSS  per Worker  node RSS+");
  for (const n of COUNTS) console.log(await measure(n));
  console.log(
    "first answer: from the last upload's answer until all N answer; redeploy: from a code upload's answer until the next request sees it (workerd restarts with all N).",
  );
}

if (require.main === module) {
  runRuntimeBenchmark().catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
