// The dashboard's to-do list over HTTP: /api/stats splits the items waiting for a review by
// problem, each count equals what the Items list shows for its link, the "attention" filter
// lists the states that need the user, a bulk job never becomes the "last scan", and a bad
// filter is refused with a code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTENTION_STATES } from "../../src/contracts/constants.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "stats-todo-key-0123456789abcdef";
let stack: TestServer;

async function get(path: string) {
  const res = await fetch(stack.server.url + path, { headers: { "X-Api-Key": KEY } });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies checked by the assertions
  const body: any = await res.json();
  return { status: res.status, body };
}

const total = async (query: string): Promise<number> => {
  const { status, body } = await get(`/api/items?${query}`);
  expect(status, query).toBe(200);
  return body.total;
};

beforeAll(async () => {
  stack = await startTestServer({ seed: 5, items: 4 }, { PSR_API_KEY: KEY });
  const db = stack.server.db.kysely;
  const now = Date.now();
  const item = (key: string, state: string, problems: unknown, extra: Record<string, unknown> = {}) => ({
    rating_key: key,
    library: "Movies",
    type: "movie",
    title: `Title ${key}`,
    state,
    problems_json: typeof problems === "string" ? problems : JSON.stringify(problems),
    last_checked_at: now,
    ...extra,
  });
  await db
    .insertInto("items")
    .values([
      item("901", "needs_review", ["wrong_match"]),
      item("902", "needs_review", ["no_poster", "wrong_match"]),
      item("903", "needs_review", ["unmatched"]),
      item("904", "needs_review", ["no_summary"]),
      item("905", "needs_review", "not json"),
      // Ignored: not waiting for anyone, whatever its stored state says.
      item("906", "needs_review", ["wrong_match"], { ignored_at: now }),
      item("907", "failed", ["no_poster"]),
      item("908", "failed", ["unmatched"]),
      item("909", "locked", ["no_poster"]),
      item("910", "error", []),
      item("911", "fixed", []),
      item("912", "would_fix", ["no_poster"]),
      item("913", "skipped", ["unmatched"]),
    ])
    .execute();
  // A scan, then a later bulk job: "last scan" is the scan.
  const run = (source: string, stats: object) => ({
    status: "success" as const,
    source,
    stats_json: JSON.stringify(stats),
    created_at: now - 60_000,
    started_at: now - 60_000,
    finished_at: now - 30_000,
  });
  await db
    .insertInto("scan_runs")
    .values([run("manual", { checked: 13, fixed: 1 }), run("bulk", { bulk: { action: "refresh" } })])
    .execute();
});

afterAll(async () => {
  await stack?.close();
});

describe("the dashboard's to-do counts", () => {
  it("splits the items waiting for a review by problem, leaving ignored ones out", async () => {
    const { status, body } = await get("/api/stats");
    expect(status).toBe(200);
    expect(body.needsReview).toEqual({ wrongMatch: 2, unmatched: 1, other: 2 });
    expect(body.items.byState).toMatchObject({ needs_review: 5, failed: 2, locked: 1, error: 1, ignored: 1 });
  });

  it("counts what each link of the to-do list lists", async () => {
    const { body } = await get("/api/stats");
    expect(await total("state=needs_review&problem=wrong_match")).toBe(body.needsReview.wrongMatch);
    expect(await total("state=needs_review&problem=unmatched")).toBe(body.needsReview.unmatched);
    expect(await total("state=needs_review")).toBe(body.items.byState.needs_review);
    expect(await total("state=failed")).toBe(body.items.byState.failed);
    expect(await total("state=locked")).toBe(body.items.byState.locked);
    const { body: page } = await get("/api/items?state=needs_review&problem=wrong_match");
    expect(page.items.map((i: { ratingKey: string }) => i.ratingKey).sort()).toEqual(["901", "902"]);
  });

  it("lists every state that needs the user under 'attention', and only those", async () => {
    const { body } = await get("/api/items?state=attention&pageSize=500");
    const states = new Set(body.items.map((i: { state: string }) => i.state));
    expect([...states].sort()).toEqual([...ATTENTION_STATES].sort());
    expect(body.total).toBe(5 + 2 + 1 + 1);
    // With a problem too: the failed and the waiting unmatched items, not the skipped one.
    const { body: unmatched } = await get("/api/items?state=attention&problem=unmatched");
    expect(unmatched.items.map((i: { ratingKey: string }) => i.ratingKey).sort()).toEqual(["903", "908"]);
  });

  it("keeps a bulk job out of 'last scan'", async () => {
    const { body } = await get("/api/stats");
    expect(body.lastScan).toMatchObject({ status: "success", stats: { checked: 13, fixed: 1 } });
    const { body: jobs } = await get("/api/scans?pageSize=2");
    const bulk = jobs.items.find((j: { source: string }) => j.source === "bulk");
    expect(bulk.id).toBeGreaterThan(body.lastScan.id);
  });

  it("refuses an unknown problem or state with a code, naming the field", async () => {
    for (const [query, field] of [
      ["problem=no_such_problem", "problem"],
      ["state=attentionx", "state"],
      ["problem=", "problem"],
    ] as const) {
      const { status, body } = await get(`/api/items?${query}`);
      expect(status, query).toBe(400);
      expect(body.code).toBe("invalid_input");
      expect(body.issues[0]).toMatchObject({ field });
    }
  });
});
