import { describe, expect, it } from "vitest";
import { isUnsafeMethod, lockoutRemaining, sameOriginVerdict } from "../../src/auth/policy.js";

const NOW = 1_800_000_000_000;
const MIN = 60_000;

describe("lockoutRemaining", () => {
  it.each<[string, { count: number; oldest: number | null }[], number]>([
    ["no failures", [{ count: 0, oldest: null }], 0],
    ["below the limit", [{ count: 4, oldest: NOW - MIN }], 0],
    [
      "at the limit: locked until the oldest leaves the window",
      [{ count: 5, oldest: NOW - 5 * MIN }],
      10 * MIN,
    ],
    [
      "per user name even when the IP is fine",
      [
        { count: 0, oldest: null },
        { count: 6, oldest: NOW - 14 * MIN },
      ],
      MIN,
    ],
    ["window passed", [{ count: 5, oldest: NOW - 15 * MIN }], 0],
  ])("%s", (_name, windows, expected) => {
    expect(lockoutRemaining(windows, 5, 15 * MIN, NOW)).toBe(expected);
  });

  it("a window without an oldest failure locks nothing, even early in the clock", () => {
    expect(lockoutRemaining([{ count: 5, oldest: null }], 5, 15 * MIN, 1000)).toBe(0);
  });
});

describe("sameOriginVerdict", () => {
  const own = "https://psr.example.org";
  it.each<[string, { origin?: string; secFetchSite?: string }, boolean]>([
    ["same origin", { origin: own, secFetchSite: "same-origin" }, true],
    ["Origin only (older Safari)", { origin: own }, true],
    ["Sec-Fetch-Site only", { secFetchSite: "same-origin" }, true],
    ["another origin", { origin: "https://evil.example", secFetchSite: "cross-site" }, false],
    [
      "same site but another subdomain",
      { origin: "https://x.example.org", secFetchSite: "same-site" },
      false,
    ],
    ["scheme differs", { origin: "http://psr.example.org" }, false],
    ["a forged Origin cannot beat Sec-Fetch-Site", { origin: own, secFetchSite: "cross-site" }, false],
    ["neither header", {}, false],
  ])("%s", (_name, headers, ok) => {
    expect(sameOriginVerdict(headers, own).ok).toBe(ok);
  });

  it.each([
    { headers: { secFetchSite: "cross-site" }, reason: "cross-site request (Sec-Fetch-Site: cross-site)" },
    { headers: { origin: "https://evil.example" }, reason: "request from another origin" },
    { headers: {}, reason: "missing Origin header" },
  ])("says why: $reason", ({ headers, reason }) => {
    expect(sameOriginVerdict(headers, own)).toEqual({ ok: false, reason });
  });
});

describe("isUnsafeMethod", () => {
  it.each([
    ["GET", false],
    ["HEAD", false],
    ["OPTIONS", false],
    ["POST", true],
    ["PUT", true],
    ["DELETE", true],
    ["PATCH", true],
  ])("%s", (method, unsafe) => {
    expect(isUnsafeMethod(method as string)).toBe(unsafe);
  });
});
