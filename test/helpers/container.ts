// Podman for the container test (test/deploy/container.test.ts) on machines without Docker Hub:
// a stand-in for the official Node 20 image made with debootstrap and this machine's Node, and
// the npm settings the build needs here, passed as build secrets so the Dockerfile stays the
// one users get. Facts behind the flags: runc (crun fails on these cgroups), `--format docker`
// (OCI drops HEALTHCHECK), `--layers=false` (vfs storage shares no layers).
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export const PODMAN = "/usr/bin/podman";
const DEBOOTSTRAP = "/usr/sbin/debootstrap";
const IS_ROOT = process.getuid?.() === 0;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Why the container test cannot run here, or undefined when it can. */
export function containerTestBlocker(): string | undefined {
  const missing = [PODMAN, "/usr/sbin/runc", DEBOOTSTRAP].filter((tool) => !existsSync(tool));
  if (missing.length > 0) {
    return `${missing.join(", ")} not installed (Debian: apt-get install podman runc debootstrap)`;
  }
  // Rootful podman: debootstrap, host networking and a volume owned by another user need root.
  if (!IS_ROOT) return "it needs root (debootstrap, rootful podman)";
  return undefined;
}

/** Runs a command, collecting its output; rejects on a timeout, resolves with any exit code. */
export function run(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number; stdin?: NodeJS.ReadableStream } = {},
): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [options.stdin ? "pipe" : "ignore", "pipe", "pipe"] });
    if (options.stdin && child.stdin) options.stdin.pipe(child.stdin);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out after ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** `podman --runtime runc …`; throws with its output when it fails. */
export async function podman(
  args: string[],
  options: { timeoutMs?: number; stdin?: NodeJS.ReadableStream } = {},
) {
  const result = await run(PODMAN, ["--runtime", "runc", ...args], options);
  if (result.code !== 0) {
    throw new Error(`podman ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** `podman …` that may fail (e.g. a health check that is not yet passing). */
export function podmanTry(args: string[], timeoutMs = 60_000): Promise<Run> {
  return run(PODMAN, ["--runtime", "runc", ...args], { timeoutMs });
}

/** Where the debootstrap folder is kept between runs (about 1 minute to make afresh). */
function cacheDir(): string {
  return (
    process.env.PSR_CONTAINER_CACHE ??
    (IS_ROOT ? "/var/cache/psr-test" : join(homedir(), ".cache", "psr-test"))
  );
}

/**
 * The stand-in base image: Debian bookworm (minbase) with this machine's Node, npm and Node
 * headers under /usr/local, where the official image has them. Named after the Node version, so
 * it is reused until Node changes; the debootstrap folder is reused even then.
 */
export async function ensureBaseImage(log: (line: string) => void): Promise<string> {
  const name = `localhost/psr-test-node20:${process.version}`;
  if ((await podmanTry(["image", "exists", name])).code === 0) return name;

  const rootfs = join(cacheDir(), "bookworm-minbase");
  if (!existsSync(rootfs)) {
    const partial = `${rootfs}.partial`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dirname(rootfs), { recursive: true });
    const boot = await run(DEBOOTSTRAP, ["--variant=minbase", "bookworm", partial], {
      timeoutMs: 10 * 60_000,
    });
    if (boot.code !== 0) throw new Error(`debootstrap failed:\n${boot.stdout.slice(-2000)}\n${boot.stderr}`);
    renameSync(partial, rootfs); // only a finished folder counts as cached
    log(`debootstrap: ${Math.round(boot.ms / 1000)} s`);
  }

  const prefix = dirname(dirname(process.execPath)); // /usr for /usr/bin/node
  const npmDir = dirname(
    dirname(realpathSync(spawnSync("which", ["npm"], { encoding: "utf8" }).stdout.trim())),
  );
  const local = join(rootfs, "usr", "local");
  for (const sub of ["bin/node", "bin/npm", "bin/npx", "lib/node_modules/npm", "include/node"]) {
    rmSync(join(local, sub), { recursive: true, force: true });
  }
  mkdirSync(join(local, "lib", "node_modules"), { recursive: true });
  mkdirSync(join(local, "include"), { recursive: true });
  cpSync(process.execPath, join(local, "bin", "node"));
  cpSync(npmDir, join(local, "lib", "node_modules", "npm"), { recursive: true });
  cpSync(join(prefix, "include", "node"), join(local, "include", "node"), { recursive: true });
  symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin", "npm"));
  symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin", "npx"));

  const tar = spawn("tar", ["-C", rootfs, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
  const imported = await podman(["import", "-", name], { stdin: tar.stdout, timeoutMs: 5 * 60_000 });
  log(`base image imported: ${Math.round(imported.ms / 1000)} s`);
  return name;
}

/**
 * The build secrets this machine's npm needs inside the build: the Node headers (nothing can be
 * downloaded from nodejs.org here, and better-sqlite3 compiles from source) and the CA bundle of
 * the proxy in front of the registry. Written to `dir`; returns podman build arguments.
 */
export function npmBuildSecrets(dir: string): string[] {
  const cafile = spawnSync("npm", ["config", "get", "cafile"], { encoding: "utf8" }).stdout.trim();
  const lines = ["nodedir=/usr/local"];
  const args: string[] = [];
  if (cafile && cafile !== "null" && existsSync(cafile)) {
    lines.push("cafile=/run/secrets/npm_ca");
    args.push("--secret", `id=npm_ca,src=${cafile}`);
  }
  const npmrc = join(dir, "npmrc");
  writeFileSync(npmrc, `${lines.join("\n")}\n`);
  return ["--secret", `id=npmrc,src=${npmrc}`, ...args];
}
