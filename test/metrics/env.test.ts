// PSR_METRICS_TOKEN and PSR_METRICS_AUTH as a table: what each combination turns on, and the
// messages for bad values (which never echo the token).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, ENV_VARIABLES, loadConfig } from "../../src/config/env.js";

const TOKEN = "metrics-token-abcdef123456";

function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig(env, "/srv/psr");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("metrics configuration", () => {
  it.each([
    [{}, { access: "off" }],
    [{ PSR_METRICS_TOKEN: "" }, { access: "off" }],
    [{ PSR_METRICS_TOKEN: TOKEN }, { access: "token", token: TOKEN }],
    [
      { PSR_METRICS_TOKEN: TOKEN, PSR_METRICS_AUTH: "token" },
      { access: "token", token: TOKEN },
    ],
    [{ PSR_METRICS_AUTH: "none" }, { access: "open" }],
    [{ PSR_METRICS_AUTH: "none", PSR_METRICS_TOKEN: TOKEN }, { access: "open" }],
    [{ PSR_METRICS_AUTH: "" }, { access: "off" }],
  ])("%j → %j", (env, metrics) => {
    expect(loadConfig(env, "/srv/psr").metrics).toEqual(metrics);
  });

  it.each([
    [{ PSR_METRICS_TOKEN: "short" }, "PSR_METRICS_TOKEN: must be at least 16 characters when set"],
    [
      { PSR_METRICS_TOKEN: "with a space in it 1234" },
      "PSR_METRICS_TOKEN: use printable ASCII without spaces",
    ],
    [{ PSR_METRICS_TOKEN: "x".repeat(257) }, "PSR_METRICS_TOKEN: must be at most 256 characters"],
    [{ PSR_METRICS_AUTH: "basic" }, "PSR_METRICS_AUTH: expected token"],
    [{ PSR_METRICS_AUTH: "token" }, "PSR_METRICS_AUTH: token needs PSR_METRICS_TOKEN"],
  ])("%j is refused: %s", (env, message) => {
    const problems = problemsFor(env);
    expect(problems.length).toBe(1);
    expect(problems[0]).toContain(message);
  });

  it("never shows the token in a message", () => {
    const [problem] = problemsFor({ PSR_METRICS_TOKEN: "secret tok" });
    expect(problem).toBeDefined();
    expect(problem).not.toContain("secret tok");
    const [other] = problemsFor({ PSR_METRICS_AUTH: "bogus" });
    expect(other).toContain('"bogus"');
  });

  it("documents both variables in .env.example", () => {
    expect(ENV_VARIABLES).toEqual(expect.arrayContaining(["PSR_METRICS_TOKEN", "PSR_METRICS_AUTH"]));
    const example = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    expect(example).toMatch(/^PSR_METRICS_TOKEN=/m);
    expect(example).toMatch(/^PSR_METRICS_AUTH=/m);
  });
});
