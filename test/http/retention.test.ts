// The Retention section's server side: the limits stored through PUT /api/settings (validated
// strictly, a 400 naming the field and nothing stored), GET /api/retention with the values the
// environment sets (they win) and the ones in force.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETENTION_DEFAULTS } from "../../src/contracts/retention.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "retention-test-key-0123456789";
let plain: TestServer;
let fromEnv: TestServer;

beforeAll(async () => {
  plain = await startTestServer(
    { seed: 3, items: 10 },
    { PSR_API_KEY: KEY, GUI_PASSWORD: "retention-pass-1" },
  );
  fromEnv = await startTestServer(
    { seed: 3, items: 10 },
    {
      PSR_API_KEY: KEY,
      GUI_PASSWORD: "retention-pass-1",
      PSR_LOG_RETENTION_DAYS: "14",
      PSR_SCAN_RUN_RETENTION_COUNT: "50",
    },
  );
}, 60_000);
afterAll(async () => {
  await plain?.close();
  await fromEnv?.close();
});

async function api(t: TestServer, method: string, path: string, body?: unknown) {
  const res = await fetch(t.server.url + path, {
    method,
    headers: { "X-Api-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  return { status: res.status, json: (await res.json()) as any };
}

describe("retention settings", () => {
  it("defaults to the environment's defaults and reports the pass run at start-up", async () => {
    const res = await api(plain, "GET", "/api/retention");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      stored: RETENTION_DEFAULTS,
      environment: {},
      effective: RETENTION_DEFAULTS,
    });
    expect(res.json.lastRun).toMatchObject({ logsDeleted: 0, runsDeleted: 0, historyDeleted: 0 });
    expect(Date.parse(res.json.lastRun.at)).toBeGreaterThan(Date.now() - 60_000);
    expect((await api(plain, "GET", "/api/settings")).json.settings.retention).toEqual(RETENTION_DEFAULTS);
  });

  it("stores a section, one field at a time if need be", async () => {
    const saved = await api(plain, "PUT", "/api/settings", { retention: { logDays: 7, historyDays: 365 } });
    expect(saved.status).toBe(200);
    expect(saved.json.settings.retention).toEqual({ ...RETENTION_DEFAULTS, logDays: 7, historyDays: 365 });
    const status = await api(plain, "GET", "/api/retention");
    expect(status.json.effective).toEqual({ ...RETENTION_DEFAULTS, logDays: 7, historyDays: 365 });
  });

  it.each([
    [{ logDays: 0 }, "retention.logDays", { code: "too_small", params: { minimum: 1 } }],
    [{ runDays: 4000 }, "retention.runDays", { code: "too_big", params: { maximum: 3650 } }],
    [{ runCount: 2.5 }, "retention.runCount", { code: "invalid_type", params: { expected: "int" } }],
    [
      { historyDays: "90" },
      "retention.historyDays",
      { code: "invalid_type", params: { expected: "number" } },
    ],
    [
      { runCount: 10, keepForever: true },
      "retention",
      { code: "unrecognized_keys", params: { keys: ["keepForever"] } },
    ],
  ])("refuses %j with a 400 naming the field and stores nothing", async (retention, field, issue) => {
    const before = (await api(plain, "GET", "/api/settings")).json.settings.retention;
    const res = await api(plain, "PUT", "/api/settings", { retention, days: 12 });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: "invalid_input", field });
    expect(res.json.issues[0]).toMatchObject({ field, ...issue });
    const after = (await api(plain, "GET", "/api/settings")).json.settings;
    expect(after.retention).toEqual(before);
    // The whole request is refused, not just the bad section.
    expect(after.days).not.toBe(12);
  });

  it("lets a variable set in the environment win, and says so", async () => {
    await api(fromEnv, "PUT", "/api/settings", { retention: { logDays: 3, runDays: 20, runCount: 9 } });
    const res = await api(fromEnv, "GET", "/api/retention");
    expect(res.json.environment).toEqual({ logDays: 14, runCount: 50 });
    expect(res.json.stored).toMatchObject({ logDays: 3, runDays: 20, runCount: 9 });
    expect(res.json.effective).toEqual({ logDays: 14, runDays: 20, runCount: 50, historyDays: 90 });
  });
});
