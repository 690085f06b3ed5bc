// Runs the real `psr` executable (bin/psr.js) as a child process, as a user would.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const PSR_BIN = fileURLToPath(new URL("../../bin/psr.js", import.meta.url));

/** A clean environment: only what the test passes plus PATH/HOME, so a developer's .env or shell can't leak in. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", ...env };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runPsr(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 30_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PSR_BIN, ...args], { env: childEnv(env), cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`psr ${args.join(" ")} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface StartedProcess {
  child: ChildProcess;
  match: RegExpMatchArray;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts a long-running psr command and resolves once its output (stdout or stderr) matches
 * `ready`. `command` is how psr is called: this checkout's bin/psr.js by default, or e.g. the
 * `psr` that `npm link` put on a PATH.
 */
export function startPsr(
  args: string[],
  env: Record<string, string>,
  cwd: string,
  ready: RegExp,
  timeoutMs = 30_000,
  command: string[] = [process.execPath, PSR_BIN],
): Promise<StartedProcess> {
  return new Promise((resolve, reject) => {
    const [exe, ...pre] = command as [string, ...string[]];
    const child = spawn(exe, [...pre, ...args], { env: childEnv(env), cwd });
    let out = "";
    let done = false;
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    const stop = async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill("SIGKILL");
      reject(new Error(`psr ${args.join(" ")} did not become ready in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const match = out.match(ready);
      if (match && !done) {
        done = true;
        clearTimeout(timer);
        resolve({ child, match, output: () => out, stop });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`psr ${args.join(" ")} exited with ${code} before it was ready:\n${out}`));
    });
  });
}
