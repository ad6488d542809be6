/** The pure parts of the local Workers runtime: route specificity, version choice, cron matching. */
import { parseRoutePattern, type RoutePatternParts } from "../../provider/cloudflare/schemas";
import { cronMatches } from "../../emulator/runtime/cron-clock";
import { chooseVersion, hostOnly, moreSpecific, patternMatches, versionOverride } from "../../emulator/runtime/dispatch";

const parts = (pattern: string) => parseRoutePattern(pattern) as RoutePatternParts;

describe("route patterns", () => {
  it.each([
    ["www.example.com/*", "*.example.com/*"],
    ["www.example.com/*", "*example.com/*"],
    ["shop.example.com/*", "example.com/*"],
    ["example.com/api/*", "example.com/*"],
    ["example.com/api", "example.com/api*"],
  ])("%s is more specific than %s", (a, b) => {
    expect(moreSpecific(parts(a), parts(b))).toBe(true);
    expect(moreSpecific(parts(b), parts(a))).toBe(false);
  });

  it.each([
    ["*example.com/*", "example.com", "/x", true],
    ["*example.com/*", "www.example.com", "/x", true],
    ["*.example.com/*", "example.com", "/x", false],
    ["example.com/api/*", "example.com", "/api/users?x=1", true],
    ["example.com/api", "example.com", "/api?x=1", false],
    ["example.com", "example.com", "/", true],
    ["https://example.com/*", "example.com", "/", true],
  ] as const)("%s matches %s%s: %s", (pattern, host, path, expected) => {
    expect(patternMatches(parts(pattern), host, path)).toBe(expected);
  });

  it("reads the host of a Host header without its port, lower case", () => {
    expect(hostOnly("Shop.Example.com:8787")).toBe("shop.example.com");
    expect(hostOnly("[::1]:80")).toBe("[::1]");
    expect(hostOnly(undefined)).toBeUndefined();
  });
});

describe("choosing a version", () => {
  const serving = [
    { versionId: "canary", percentage: 10 },
    { versionId: "stable", percentage: 90 },
  ];

  it("follows the percentages", () => {
    expect(chooseVersion(serving, {}, () => 0.05)).toBe("canary");
    expect(chooseVersion(serving, {}, () => 0.1)).toBe("stable");
    expect(chooseVersion(serving, {}, () => 0.999)).toBe("stable");
  });

  it("applies an override naming a version of the deployment, even at 0%, and ignores one that does not", () => {
    expect(
      chooseVersion(
        [
          { versionId: "a", percentage: 100 },
          { versionId: "b", percentage: 0 },
        ],
        { override: "b" },
        () => 0,
      ),
    ).toBe("b");
    expect(chooseVersion(serving, { override: "elsewhere" }, () => 0.5)).toBe("stable");
  });

  it("assigns the same version to the same Cloudflare-Workers-Version-Key every time", () => {
    const picks = new Set(Array.from({ length: 20 }, () => chooseVersion(serving, { versionKey: "user-42" }, Math.random)));
    expect(picks.size).toBe(1);
  });

  it("reads the override dictionary for the Worker named, skipping malformed members", () => {
    expect(versionOverride('other="x", my-worker="dc8dcd28-271b-4367-9840-6c244f84cb40"', "my-worker")).toBe(
      "dc8dcd28-271b-4367-9840-6c244f84cb40",
    );
    expect(versionOverride("my-worker=unquoted", "my-worker")).toBeUndefined();
    expect(versionOverride(undefined, "my-worker")).toBeUndefined();
  });
});

describe("cron triggers on the clock", () => {
  const at = (iso: string) => new Date(iso);

  it.each([
    ["*/5 * * * *", "2026-03-02T10:15:00Z", true],
    ["*/5 * * * *", "2026-03-02T10:16:00Z", false],
    ["0 3 * * *", "2026-03-02T03:00:00Z", true],
    ["0 3 * * MON", "2026-03-02T03:00:00Z", true],
    ["0 3 * * 2", "2026-03-02T03:00:00Z", true],
    ["0 3 * * 1", "2026-03-02T03:00:00Z", false],
    ["0 0 L * *", "2026-02-28T00:00:00Z", true],
    ["0 0 L * *", "2026-02-27T00:00:00Z", false],
    ["0 0 * * 6#1", "2026-03-06T00:00:00Z", true],
    ["0 0 * * 6#1", "2026-03-13T00:00:00Z", false],
    ["not a cron", "2026-03-02T03:00:00Z", false],
  ])("%s fires at %s: %s", (cron, iso, expected) => {
    expect(cronMatches(cron, at(iso))).toBe(expected);
  });
});
