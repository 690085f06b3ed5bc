// Notifications end to end: settings through the API, a scan by the server, a real local
// receiver standing in for the webhook; secrets stay masked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { tempDir } from "../helpers/tmp.js";
import { type Receiver, startReceiver } from "../notify/receiver.js";

const KEY = "notify-test-key-0123456789";
let emulator: EmulatorHandle;
let receiver: Receiver;
let server: RunningServer;
let work: ReturnType<typeof tempDir>;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { "X-Api-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

beforeAll(async () => {
  emulator = await startEmulator({ seed: 4, items: 80, refresh: { workers: 4, minMs: 5, maxMs: 20 } });
  receiver = await startReceiver();
  work = tempDir();
  const config = loadConfig(
    {
      PLEX_URL: emulator.url,
      PLEX_TOKEN: emulator.token,
      PSR_DATA_DIR: work.dir,
      PSR_PORT: "0",
      PSR_API_KEY: KEY,
      PSR_LOG_LEVEL: "silent",
      GUI_PASSWORD: "notify-test-password",
    },
    work.dir,
  );
  server = await startServer(config);
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
  await emulator?.close();
  work?.cleanup();
});

describe("notifications through the server", () => {
  it("stores a webhook agent, masks its URL, and reports a finished scan to it", async () => {
    const url = `${receiver.url}/hook/secret-path-123?key=s3cret`;
    const put = await api("PUT", "/api/settings", {
      notifications: { webhook: { enabled: true, url } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(JSON.stringify(put.body)).not.toContain("secret-path-123");
    expect(JSON.stringify((await api("GET", "/api/settings")).body)).not.toContain("s3cret");

    // Sending the masked value back keeps the stored secret.
    const masked = put.body.settings.notifications;
    expect((await api("PUT", "/api/settings", { notifications: masked })).status).toBe(200);

    const start = await api("POST", "/api/scans", { all: true, dryRun: false });
    expect(start.status).toBe(202);
    await server.scans.idle();
    const deadline = Date.now() + 5000;
    while (!receiver.requests.some((r) => r.url.startsWith("/hook/")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const hook = receiver.requests.find((r) => r.url === "/hook/secret-path-123?key=s3cret");
    expect(hook, "the webhook got the event at its real URL").toBeDefined();
    const payload = JSON.parse(hook!.body);
    expect(payload).toMatchObject({
      event: "scan_finished",
      jobId: start.body.id,
      status: "success",
      source: "api",
    });
    expect(payload.stats.checked).toBeGreaterThan(0);
  });

  it("sends a test message on request and reports per agent", async () => {
    const before = receiver.requests.length;
    const res = await api("POST", "/api/notifications/test", { agent: "webhook" });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([{ agent: "webhook", ok: true }]);
    expect(receiver.requests.length).toBe(before + 1);
    expect(JSON.parse(receiver.requests.at(-1)!.body)).toMatchObject({ test: true });
    expect((await api("POST", "/api/notifications/test", { agent: "pigeon" })).status).toBe(400);
  });

  it("never fails a scan when the agent is down", async () => {
    await receiver.close();
    const start = await api("POST", "/api/scans", { maxItems: 5 });
    await server.scans.idle();
    const job = await api("GET", `/api/scans/${start.body.id}`);
    expect(job.body.status).toBe("success");
  });
});
