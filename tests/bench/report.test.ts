/** The fleet benchmark's verdicts: a target fails exactly when the calls exceed it, and the report names the calls. */
import { countCalls } from "../../bench/fleet/calls";
import type { OurRun, OurStep } from "../../bench/fleet/ours";
import { verdicts } from "../../bench/fleet/report";
import type { StepName } from "../../bench/fleet/steps";
import type { RecordedRequest } from "../../emulator";

const ACCOUNT = "/accounts/0123456789abcdef0123456789abcdef";

function req(method: string, path: string): RecordedRequest {
  return { method, path: `${ACCOUNT}${path}`, query: {}, status: 200, durationMs: 50, time: 0 };
}

function step(name: StepName, n: number, requests: RecordedRequest[]): OurStep {
  return { step: name, n, calls: countCalls(requests), wallMs: 1_000, problems: [], times: [] };
}

function perWorker(n: number, make: (script: string) => RecordedRequest[]): RecordedRequest[] {
  return Array.from({ length: n }, (_, i) => make(`fleet-${i}`)).flat();
}

const N = 3;
const run: OurRun = {
  n: N,
  hostStartMs: [500],
  steps: [
    step("create", N, [req("GET", "/workers/scripts"), ...perWorker(N, (s) => [
      req("PUT", `/workers/scripts/${s}`),
      req("GET", `/workers/scripts/${s}/versions`),
      req("PUT", `/workers/scripts/${s}/secrets`),
      req("PUT", `/workers/scripts/${s}/secrets`),
      req("PATCH", `/workers/scripts/${s}/script-settings`),
      req("POST", `/workers/scripts/${s}/subdomain`),
    ])]),
    step("no-op up", N, []),
    step("code change", N, perWorker(N, (s) => [req("PUT", `/workers/scripts/${s}/content`), req("GET", `/workers/scripts/${s}/versions`)])),
    step("config change (no bindings)", N, perWorker(N, (s) => [req("PATCH", `/workers/scripts/${s}/settings`)])),
    step("binding change", N, perWorker(N, (s) => [req("GET", `/workers/scripts/${s}/settings`), req("PATCH", `/workers/scripts/${s}/settings`)])),
    step("secret rotation", N, perWorker(N, (s) => [req("PUT", `/workers/scripts/${s}/secrets`)])),
    step("refresh", N, [req("GET", "/workers/scripts"), ...perWorker(N, (s) => [req("GET", `/workers/scripts/${s}/settings`), req("GET", `/workers/scripts/${s}/subdomain`)])]),
  ],
};

describe("the fleet benchmark's verdicts", () => {
  const byTarget = Object.fromEntries(verdicts([run], []).map((v) => [v.target.replace(/ \(N=\d+\)$/, ""), v]));

  it("passes the steps that stay within their targets", () => {
    expect(byTarget["a no-op up makes 0 calls"]!.holds).toBe(true);
    expect(byTarget["a settings change without bindings makes 1 call per Worker"]!.holds).toBe(true);
    expect(byTarget["a binding change makes at most 2 calls per Worker"]!.holds).toBe(true);
    expect(byTarget["a secret rotation makes 1 call per Worker and uploads no code"]!.holds).toBe(true);
    expect(byTarget["creation makes one write per resource"]!.holds).toBe(true);
    // One listing plus one settings read per Worker: N + 1 for the scripts; other resources' reads do not count.
    expect(byTarget["a refresh needs at most N + 1 calls for the scripts"]!.holds).toBe(true);
  });

  it("fails a code change that reads the versions after its write, and names that call", () => {
    const verdict = byTarget["a code-only change makes 1 call per Worker"]!;
    expect(verdict.holds).toBe(false);
    expect(verdict.cause).toContain("GET /workers/scripts/{script}/versions ×3");
    expect(verdict.cause).toContain("PUT /workers/scripts/{script}/content ×3");
  });

  it("fails a creation that reads more than its existence checks", () => {
    const verdict = byTarget["creation reads nothing but existence checks (one account listing for the scripts, one GET per secret)"]!;
    expect(verdict.holds).toBe(false);
    expect(verdict.cause).toBe("reads: GET /workers/scripts/{script}/versions ×3, GET /workers/scripts ×1");
  });

  it("fails the speed target when wrangler was not measured, saying so", () => {
    const speed = verdicts([run], []).find((v) => v.target.includes("20x"))!;
    expect(speed.holds).toBe(false);
    expect(speed.measured).toBe("wrangler not measured");
  });
});
