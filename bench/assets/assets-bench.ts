/**
 * Benchmark `assets`: the generated site (about 2,000 files, 50 MB) deployed as an assets-only Worker against
 * the emulator with 50 ms latency per request, first deploy then a redeploy with 1% of the files changed,
 * by this provider's code and by `wrangler deploy`, side by side in the same run. Each tool has its own
 * account on the emulator (nothing uploaded by one is reused by the other), its own process, and goes
 * through the same recording proxy, which counts API calls and bytes uploaded. Peak memory is the largest
 * peak RSS of the tool's Node processes (wrangler runs its CLI in a child process).
 *
 * Last, this provider deploys the same tree into wrangler's account: with wrangler-compatible hashes it
 * uploads nothing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator, DEFAULT_EMULATOR_TOKEN } from "../../emulator";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";
import { changeFraction, generateTree } from "./generate-tree";
import { installWrangler, runCommand, writeWranglerProject } from "./wrangler";

export const LATENCY_MS = 50;
export const FILE_COUNT = 2_000;
export const CHANGED_FRACTION = 0.01;
const OURS_ACCOUNT = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
const WRANGLER_ACCOUNT = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
const HERE = __dirname;

export interface RunFigures {
  tool: string;
  step: string;
  ok: boolean;
  wallMs: number;
  apiCalls: number;
  uploadedBytes: number;
  filesSent: number;
  peakRssMiB: number;
  note?: string;
}

function env(proxy: RecordingProxy, accountId: string, rssFile: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CLOUDFLARE_API_BASE_URL: proxy.url,
    CLOUDFLARE_API_TOKEN: DEFAULT_EMULATOR_TOKEN,
    CLOUDFLARE_ACCOUNT_ID: accountId,
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CI: "true",
    BENCH_RSS_FILE: rssFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${join(HERE, "peak-rss.cjs")}`.trim(),
  };
}

function peakRssMiB(rssFile: string): number {
  let text = "";
  try {
    text = readFileSync(rssFile, "utf8");
  } catch {
    return 0;
  }
  const peaks = text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => Number(line.split(" ")[1]));
  return Math.max(0, ...peaks) / 1024;
}

async function measure(
  tool: string,
  step: string,
  proxy: RecordingProxy,
  accountId: string,
  work: (env: NodeJS.ProcessEnv) => ReturnType<typeof runCommand>,
): Promise<RunFigures & { output: string }> {
  const rssFile = join(mkdtempSync(join(tmpdir(), "bench-rss-")), "rss.txt");
  writeFileSync(rssFile, "");
  proxy.clear();
  const result = await work(env(proxy, accountId, rssFile));
  const calls = proxy.requests.filter((r) => r.path.includes(`/accounts/${accountId}/`));
  return {
    tool,
    step,
    ok: result.code === 0,
    wallMs: result.wallMs,
    apiCalls: calls.length,
    uploadedBytes: calls.reduce((sum, r) => sum + r.bytes, 0),
    filesSent: calls.filter((r) => r.path.endsWith("/workers/assets/upload")).reduce((sum, r) => sum + r.parts.length, 0),
    peakRssMiB: peakRssMiB(rssFile),
    output: result.output,
  };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function printTable(rows: RunFigures[]): void {
  const header = ["tool", "step", "wall time", "API calls", "files sent", "bytes uploaded", "peak RSS"];
  const lines = rows.map((r) =>
    r.ok
      ? [r.tool, r.step, seconds(r.wallMs), String(r.apiCalls), String(r.filesSent), mb(r.uploadedBytes), `${r.peakRssMiB.toFixed(0)} MiB`]
      : [r.tool, r.step, "failed", String(r.apiCalls), String(r.filesSent), mb(r.uploadedBytes), r.note ?? ""],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(format(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const l of lines) console.log(format(l));
}

/** Whether both tools sent the same manifest (keys, hashes, sizes) for the same tree. */
function compareManifests(manifests: Map<string, unknown>): string | undefined {
  const ours = manifests.get(OURS_ACCOUNT) as Record<string, { hash: string; size: number }> | undefined;
  const theirs = manifests.get(WRANGLER_ACCOUNT) as Record<string, { hash: string; size: number }> | undefined;
  if (ours === undefined || theirs === undefined) return undefined;
  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)]);
  const differing = [...keys].filter((k) => ours[k]?.hash !== theirs[k]?.hash || ours[k]?.size !== theirs[k]?.size);
  return differing.length === 0
    ? `manifests: identical (${Object.keys(ours).length} entries: same paths, hashes and sizes as wrangler's, ignored files and metafiles left out alike)`
    : `manifests: ${differing.length} entries differ from wrangler's, e.g. ${differing.slice(0, 5).join(", ")}`;
}

export async function runAssetsBenchmark(): Promise<RunFigures[]> {
  const work = mkdtempSync(join(tmpdir(), "bench-assets-"));
  const site = join(work, "site");
  const tree = generateTree(site, FILE_COUNT);
  console.log(`assets: ${tree.files.length} files, ${mb(tree.totalBytes)}, emulator latency ${LATENCY_MS} ms per request`);

  const wranglerFolder = join(tmpdir(), "pulumi-cloudflare-workers-bench", "wrangler");
  const wrangler = await installWrangler(wranglerFolder);
  console.log(wrangler.bin ? `wrangler ${wrangler.version} installed in ${wranglerFolder}` : `wrangler unavailable: ${wrangler.error}`);
  const wranglerProject = join(work, "wrangler-project");
  writeWranglerProject(wranglerProject, "bench-site", site);

  const emulator = await startEmulator({ latencyMs: LATENCY_MS });
  const proxy = await startRecordingProxy(emulator.url);
  const oursScript = resolve(HERE, "deploy-ours.cjs");
  const ours = (e: NodeJS.ProcessEnv) => runCommand(process.execPath, [oursScript, site, "bench-site"], { cwd: work, env: e });
  const wranglerDeploy = (e: NodeJS.ProcessEnv) =>
    runCommand(process.execPath, [wrangler.bin!, "deploy"], { cwd: wranglerProject, env: e });
  const rows: RunFigures[] = [];
  const sessionManifests = new Map<string, unknown>();
  const keepManifests = () => {
    for (const r of proxy.requests) {
      if (r.path.endsWith("/assets-upload-session") && r.json !== undefined)
        sessionManifests.set(r.path.split("/")[2]!, (r.json as { manifest?: unknown }).manifest);
    }
  };
  const phases: string[] = [];
  const record = (row: RunFigures & { output: string }, tool: string) => {
    keepManifests();
    if (!row.ok) {
      row.note = "see below";
      console.log(`\n${tool} ${row.step} failed; last output:\n${row.output.trim().split("\n").slice(-15).join("\n")}\n`);
    } else if (tool === "this provider") {
      const last = row.output.trim().split("\n").pop() ?? "{}";
      const p = JSON.parse(last) as {
        checkMs: number;
        uploadMs: number;
        workerUploadMs: number;
        report: { sessions: number; buckets: number };
      };
      phases.push(
        `this provider, ${row.step}: check (walk + hash) ${seconds(p.checkMs)}, assets upload ${seconds(p.uploadMs)} ` +
          `(${p.report.sessions} session, ${p.report.buckets} buckets), Worker upload ${seconds(p.workerUploadMs)}`,
      );
    }
    const { output: _output, ...figures } = row;
    rows.push(figures);
  };
  try {
    record(await measure("this provider", "first deploy", proxy, OURS_ACCOUNT, ours), "this provider");
    if (wrangler.bin) record(await measure("wrangler", "first deploy", proxy, WRANGLER_ACCOUNT, wranglerDeploy), "wrangler");
    const manifests = compareManifests(sessionManifests);
    const changed = changeFraction(tree, CHANGED_FRACTION);
    console.log(`changed ${changed.length} files (${(CHANGED_FRACTION * 100).toFixed(0)}%)`);
    record(await measure("this provider", "redeploy, 1% changed", proxy, OURS_ACCOUNT, ours), "this provider");
    if (wrangler.bin) record(await measure("wrangler", "redeploy, 1% changed", proxy, WRANGLER_ACCOUNT, wranglerDeploy), "wrangler");
    if (wrangler.bin) {
      record(await measure("this provider", "same tree, wrangler's account", proxy, WRANGLER_ACCOUNT, ours), "this provider");
    }
    console.log("");
    printTable(rows);
    console.log("");
    for (const line of phases) console.log(line);
    const reuse = rows.find((r) => r.step === "same tree, wrangler's account");
    if (manifests) console.log(`\n${manifests}`);
    if (reuse?.ok) {
      console.log(
        `\nwrangler-compatible hashes: deploying the tree wrangler just uploaded sent ${reuse.filesSent} files ` +
          `(${reuse.filesSent === 0 ? "every hash matched wrangler's" : "MISMATCH: some hashes differ from wrangler's"}).`,
      );
    }
  } finally {
    await proxy.close();
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}
