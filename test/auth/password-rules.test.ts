// The rules of a new password, shared by the server and the settings page.
import { describe, expect, it } from "vitest";
import { PASSWORD_RULES, passwordProblem } from "../../src/contracts/constants.js";

describe("passwordProblem", () => {
  it.each([
    ["short-1", {}, "too_short"],
    ["x".repeat(PASSWORD_RULES.maxLength + 1), {}, "too_long"],
    ["abababababab", {}, "too_simple"],
    ["1234123412", {}, "too_simple"],
    ["my-Admin-secret-9", { username: "admin" }, "same_as_username"],
    ["a-good-secret-1", { current: "a-good-secret-1" }, "unchanged"],
    ["a-good-secret-1", { username: "admin", current: "old-secret-99" }, undefined],
    ["correct horse battery", {}, undefined],
  ] as const)("%s → %s", (password, context, expected) => {
    expect(passwordProblem(password, context)).toBe(expected);
  });
});
