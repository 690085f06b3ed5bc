// The data folder holds notification secrets, session hashes and logs: only the app's user may
// read it, whatever the umask of the shell or unit that started it.
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";

/** Creates `dir` as 0700, or takes read/write/search away from "other" on an existing one. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir's mode is filtered by the umask
    return;
  }
  const mode = statSync(dir).mode & 0o777;
  // An existing folder (systemd's StateDirectory=, 0750) keeps its group; only "other" goes.
  if (mode & 0o007) chmodSync(dir, mode & ~0o007);
}

/** Makes each existing file 0600. */
export function makePrivate(...paths: string[]): void {
  for (const path of paths) if (existsSync(path)) chmodSync(path, 0o600);
}
