import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthStore } from "../../src/auth/store.js";
import { openDatabase } from "../../src/db/connection.js";
import { PSR_BIN, runPsr, type StartedProcess, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

let work: ReturnType<typeof tempDir>;
beforeAll(() => {
  work = tempDir();
});
afterAll(() => work.cleanup());

/** Runs `psr passwd` with the new password on standard input. */
function passwd(input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PSR_BIN, "passwd"], {
      env: { PATH: process.env.PATH, PSR_DATA_DIR: work.dir },
      cwd: work.dir,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("first start and psr passwd", () => {
  let server: StartedProcess | undefined;
  afterAll(async () => {
    await server?.stop("SIGKILL");
  });

  it("prints a random first password once, and never again", async () => {
    const env = { PSR_DATA_DIR: work.dir, PSR_PORT: "0", PSR_LOG_LEVEL: "silent" };
    server = await startPsr(["serve"], env, work.dir, /listening on (http:\/\/\S+)\n/);
    const first = server.output().match(/log in as "admin" with password (\S+)/);
    expect(first?.[1]).toMatch(/^[A-Za-z0-9]{20}$/);
    const base = server.match[1]!;
    const login = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: base },
      body: JSON.stringify({ username: "admin", password: first![1] }),
    });
    expect(login.status).toBe(200);
    await server.stop("SIGTERM");
    server = await startPsr(["serve"], env, work.dir, /listening on (http:\/\/\S+)\n/);
    expect(server.output()).not.toMatch(/with password/);
    await server.stop("SIGTERM");
    server = undefined;
  });

  it("changes the password, stores only a scrypt hash, and ends every session", async () => {
    const db = await openDatabase(work.dir);
    const store = new AuthStore(db.kysely);
    await store.createSession({ ip: "127.0.0.1", userAgent: "test" }, 30);
    await db.close();

    // The browser's rules: long enough, not one repeated pattern, not the user name.
    for (const [weak, reason] of [
      ["short", "at least 10 characters"],
      ["abababababab", "at least 5 different characters"],
      ["my-admin-password", "must not contain the user name"],
    ]) {
      const refused = await passwd(`${weak}\n`);
      expect(refused.code, weak).toBe(2);
      expect(refused.stderr).toContain(`${reason}; nothing changed`);
    }

    const ok = await passwd("a-much-better-password\n");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Password changed for "admin"; every session was ended.');

    const after = await openDatabase(work.dir);
    const user = await after.kysely.selectFrom("auth_user").selectAll().executeTakeFirstOrThrow();
    const sessions = await after.kysely.selectFrom("sessions").selectAll().execute();
    await after.close();
    expect(user.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(user.password_hash).not.toContain("a-much-better-password");
    expect(sessions).toEqual([]);
    const help = await runPsr(["help"], {}, work.dir);
    expect(help.stdout).toContain("passwd");
  });
});
