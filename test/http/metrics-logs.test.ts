// The metrics token never reaches a log: a real `psr serve` logging at trace level is scraped
// with the right and wrong tokens (bearer and basic), and its whole output is searched.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type StartedProcess, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const METRICS_TOKEN = "MetricsTok-LEAKCHECK-7e6d5c4b";
const WRONG_TOKEN = "WrongTok-LEAKCHECK-1f2e3d4c";

let emulator: EmulatorHandle;
let work: ReturnType<typeof tempDir>;
let server: StartedProcess;
let base = "";

beforeAll(async () => {
  emulator = await startEmulator({ seed: 5, items: 20 });
  work = tempDir();
  server = await startPsr(
    ["serve"],
    {
      PLEX_URL: emulator.url,
      PLEX_TOKEN: emulator.token,
      PSR_DATA_DIR: work.dir,
      PSR_PORT: "0",
      PSR_LOG_LEVEL: "trace",
      PSR_METRICS_TOKEN: METRICS_TOKEN,
    },
    work.dir,
    /listening on (http:\/\/\S+)\n/,
  );
  base = server.match[1]!;
});
afterAll(async () => {
  await server?.stop("SIGKILL");
  await emulator?.close();
  work?.cleanup();
});

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

describe("the metrics token in logs", () => {
  it("appears in no line of the server's output, right or wrong, bearer or basic", async () => {
    const attempts: [string, number][] = [
      [`Bearer ${METRICS_TOKEN}`, 200],
      [basic("prometheus", METRICS_TOKEN), 200],
      [`Bearer ${WRONG_TOKEN}`, 401],
      [basic("prometheus", WRONG_TOKEN), 401],
    ];
    for (const [authorization, status] of attempts) {
      const res = await fetch(`${base}/metrics`, { headers: { Authorization: authorization } });
      expect(res.status).toBe(status);
      const body = await res.text();
      expect(body).not.toContain(METRICS_TOKEN);
      expect(body).not.toContain(WRONG_TOKEN);
    }
    // The token sent to the API is refused there, and not logged either.
    expect(
      (await fetch(`${base}/api/stats`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status,
    ).toBe(401);
    // Let the logger flush the last lines.
    await new Promise((r) => setTimeout(r, 300));
    const output = server.output();
    // The requests were logged (so the search below means something) …
    expect(output).toMatch(/"url":"\/metrics"/);
    expect(output).toMatch(/"statusCode":401/);
    // … and no form of either token is in them.
    for (const secret of [
      METRICS_TOKEN,
      WRONG_TOKEN,
      Buffer.from(`prometheus:${METRICS_TOKEN}`).toString("base64"),
      Buffer.from(`prometheus:${WRONG_TOKEN}`).toString("base64"),
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});
