// POST /api/items/:ratingKey/undo-match in process against the emulator: a scan re-matches the
// planted id_conflicts, the detail offers what an undo restores, the undo restores it in Plex and
// is recorded; an item the app never matched answers 409, an unknown one 404, a bad key 400.
// A match applied by hand is undoable the same way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "undo-match-key-0123456789abcdef";
let stack: TestServer;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(stack.server.url + path, {
    method,
    headers: {
      "X-Api-Key": KEY,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  const json: any = (res.headers.get("content-type") ?? "").includes("json") ? await res.json() : null;
  return { status: res.status, body: json };
}

const facts = (kind: string) => stack.emulator.truth().wrongMatches.filter((f) => f.kind === kind);
const currentGuid = (rk: string) =>
  stack.emulator.truth().wrongMatches.find((f) => f.ratingKey === rk)?.currentGuid;

beforeAll(async () => {
  stack = await startTestServer(
    {
      seed: 5,
      items: 60,
      brokenShare: 0.1,
      wrongMatches: { id: 3, year: 2, decoys: 2 },
      refresh: { workers: 2, minMs: 5, maxMs: 20 },
    },
    { PSR_API_KEY: KEY },
  );
  const started = await api("POST", "/api/scans", { all: true, dryRun: false });
  expect(started.status).toBe(202);
  for (let i = 0; i < 600; i++) {
    const scan = await api("GET", `/api/scans/${started.body.id}`);
    if (scan.body.status !== "queued" && scan.body.status !== "running") break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 90_000);
afterAll(async () => {
  await stack?.close();
});

describe("undo match", () => {
  it("rejects a bad key (400) and an unknown item (404), changing nothing", async () => {
    expect(await api("POST", "/api/items/abc/undo-match")).toMatchObject({
      status: 400,
      body: { code: "invalid_input", field: "ratingKey" },
    });
    expect(await api("POST", "/api/items/999999/undo-match")).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
  });

  it("answers 409 with a reason for an item the app never matched", async () => {
    const year = facts("year")[0]!;
    const detail = await api("GET", `/api/items/${year.ratingKey}`);
    expect(detail.body.item.state).toBe("needs_review");
    expect(detail.body.item.problems).toEqual(["wrong_match"]);
    expect(detail.body.previousMatch).toBeNull();
    const res = await api("POST", `/api/items/${year.ratingKey}/undo-match`);
    expect(res).toMatchObject({ status: 409, body: { code: "nothing_to_undo" } });
    expect(res.body.error).toMatch(/never matched/);
    expect(currentGuid(year.ratingKey)).toBe(year.wrongGuid);
  });

  it("undoes an automatic re-match: back to the previous guid, verified and in the history", async () => {
    const f = facts("id")[0]!;
    expect(currentGuid(f.ratingKey)).toBe(f.rightGuid);
    const before = await api("GET", `/api/items/${f.ratingKey}`);
    expect(before.body.item.state).toBe("fixed");
    expect(before.body.previousMatch).toMatchObject({ guid: f.wrongGuid });

    const res = await api("POST", `/api/items/${f.ratingKey}/undo-match`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ratingKey: f.ratingKey, action: "undo_match", state: "needs_review" });
    expect(currentGuid(f.ratingKey)).toBe(f.wrongGuid);

    const after = await api("GET", `/api/items/${f.ratingKey}`);
    expect(after.body.history[0]).toMatchObject({ action: "undo_match", outcome: "needs_review" });
    expect(after.body.history[0].note).toMatch(/^match undone: back to /);
    // What the undo replaced is kept: undoing again brings the right match back.
    expect(after.body.previousMatch).toMatchObject({ guid: f.rightGuid });
  });

  it("undoes a match chosen by hand in the picker", async () => {
    const year = facts("year")[1]!;
    const detail = await api("GET", `/api/items/${year.ratingKey}`);
    const right = detail.body.item.candidates[0];
    expect(right.guid).toBe(year.rightGuid);
    const matched = await api("POST", `/api/items/${year.ratingKey}/match`, {
      guid: right.guid,
      name: right.name,
      year: right.year,
    });
    expect(matched.body).toMatchObject({ state: "fixed", action: "match" });
    expect(currentGuid(year.ratingKey)).toBe(year.rightGuid);
    expect((await api("GET", `/api/items/${year.ratingKey}`)).body.previousMatch).toMatchObject({
      guid: year.wrongGuid,
    });
    const undone = await api("POST", `/api/items/${year.ratingKey}/undo-match`);
    expect(undone.status).toBe(200);
    expect(currentGuid(year.ratingKey)).toBe(year.wrongGuid);
  });
});
