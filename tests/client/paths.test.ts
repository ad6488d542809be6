import { describeWorker, path, scriptPath } from "../../provider/cloudflare";
import { backoffDelay, parseRetryAfter, isRetrySafe } from "../../provider/cloudflare/retry";
import { describeNonJsonBody, redact, subjectOfPath } from "../../provider/cloudflare/error-messages";

describe("paths", () => {
  test("the path tag encodes every segment, so a name cannot add segments, a query or a fragment", () => {
    expect(path`/accounts/${"a/b"}/workers/scripts/${"x?y#z"}`).toBe("/accounts/a%2Fb/workers/scripts/x%3Fy%23z");
    expect(() => path`/accounts/${""}`).toThrow(/empty/);
    expect(() => path`/accounts/${".."}`).toThrow(/not allowed/);
  });

  test("scriptPath serves the account and a dispatch namespace", () => {
    expect(scriptPath({ accountId: "acc" }, "w")).toBe("/accounts/acc/workers/scripts/w");
    expect(scriptPath({ accountId: "acc", dispatchNamespace: "n s" }, "w")).toBe(
      "/accounts/acc/workers/dispatch/namespaces/n%20s/scripts/w",
    );
  });

  test("subjectOfPath reads account, namespace, Worker and secret back, decoded", () => {
    expect(subjectOfPath("/accounts/acc/workers/dispatch/namespaces/ns/scripts/w/secrets/A%2FB")).toEqual({
      accountId: "acc",
      dispatchNamespace: "ns",
      scriptName: "w",
      secretName: "A/B",
    });
  });
});

describe("retry rules", () => {
  test("Retry-After: seconds, HTTP date, garbage", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon-ish?", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  test("which methods may be repeated", () => {
    expect(["GET", "PUT", "DELETE", "POST", "PATCH"].map((method) => isRetrySafe({ method: method as "GET" }))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(isRetrySafe({ method: "POST", retrySafe: true })).toBe(true);
    expect(isRetrySafe({ method: "GET", retrySafe: false })).toBe(false);
  });

  test("backoff stays within [step/2, step] and never exceeds the cap", () => {
    for (let attempt = 1; attempt < 20; attempt++) {
      const step = Math.min(30_000, 500 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, () => 0)).toBe(step / 2);
      expect(backoffDelay(attempt, () => 0.999999)).toBeLessThanOrEqual(step);
    }
  });
});

describe("message helpers", () => {
  test("redact removes secrets and their URL-encoded form, ignoring very short strings", () => {
    expect(redact("a tok/en+123 b tok%2Fen%2B123 c", ["tok/en+123", "x"])).toBe("a [redacted] b [redacted] c");
  });

  test("a non-JSON body is summarised by its title or its text", () => {
    expect(describeNonJsonBody("<html><title> Error 1015 </title></html>", "text/html")).toBe('an HTML page instead of JSON: "Error 1015"');
    expect(describeNonJsonBody("upstream connect error", "text/plain")).toBe('a text/plain body instead of JSON: "upstream connect error"');
  });
});

describe("describeWorker", () => {
  test("names a Worker with its account, or with its dispatch namespace and account", () => {
    expect(describeWorker({ accountId: "a1" }, "api")).toBe('Worker "api" in account a1');
    expect(describeWorker({ accountId: "a1", dispatchNamespace: "tenants" }, "api")).toBe(
      'Worker "api" in dispatch namespace "tenants" of account a1',
    );
  });
});
