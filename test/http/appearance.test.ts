// The Appearance section's server side: language and theme defaults stored through PUT
// /api/settings, validated strictly (a 400 naming the field, nothing stored).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPEARANCE_DEFAULTS } from "../../src/contracts/appearance.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "appearance-test-key-0123456789";
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ seed: 3, items: 10 }, { PSR_API_KEY: KEY, GUI_PASSWORD: "appearance-pass-1" });
}, 60_000);
afterAll(async () => {
  await t?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(t.server.url + path, {
    method,
    headers: { "X-Api-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  return { status: res.status, json: (await res.json()) as any };
}

describe("appearance defaults", () => {
  it("defaults to the browser's language and the system's scheme, and stores a choice", async () => {
    expect((await api("GET", "/api/settings")).json.settings.appearance).toEqual(APPEARANCE_DEFAULTS);
    const saved = await api("PUT", "/api/settings", { appearance: { language: "de" } });
    expect(saved.status).toBe(200);
    expect(saved.json.settings.appearance).toEqual({ language: "de", theme: "auto" });
  });

  it.each([
    [{ language: "fr" }, "appearance.language"],
    [{ theme: "neon" }, "appearance.theme"],
    [{ theme: "dark", font: "big" }, "appearance"],
  ])("refuses %j with a 400 naming %s and stores nothing", async (appearance, field) => {
    const before = (await api("GET", "/api/settings")).json.settings.appearance;
    const res = await api("PUT", "/api/settings", { appearance });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: "invalid_input", field });
    expect((await api("GET", "/api/settings")).json.settings.appearance).toEqual(before);
  });
});
