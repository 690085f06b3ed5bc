// `psr passwd`: sets the login password (stored as a scrypt hash) and ends every session.
// Interactive on a terminal (input hidden, asked twice); otherwise the password is read from
// standard input, e.g. `printf '%s' "$PW" | psr passwd`.
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { AuthStore } from "../auth/store.js";
import type { Config } from "../config/env.js";
import { PASSWORD_RULES, type PasswordProblem, passwordProblem } from "../contracts/constants.js";
import { openDatabase } from "../db/connection.js";
import { parseCommandArgs, UsageError } from "./args.js";

function ask(question: string): Promise<string> {
  // Echo the prompt, swallow the typed characters.
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    });
    muted = true;
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** The browser's rules (contracts/constants.ts), said in a sentence for the console. */
const PROBLEM_TEXT: Record<PasswordProblem, string> = {
  too_short: `the password must have at least ${PASSWORD_RULES.minLength} characters`,
  too_long: `the password must have at most ${PASSWORD_RULES.maxLength} characters`,
  too_simple: `the password must use at least ${PASSWORD_RULES.minDistinct} different characters`,
  same_as_username: "the password must not contain the user name",
  unchanged: "the password is the current one",
};

export async function passwdCommand(argv: string[], config: Config): Promise<number> {
  parseCommandArgs(argv, {});
  let password: string;
  if (process.stdin.isTTY) {
    password = await ask(`New password for "${config.auth.username}": `);
    const again = await ask("Repeat it: ");
    if (again !== password) throw new UsageError("the passwords do not match; nothing changed");
  } else {
    password = await readStdin();
  }
  const problem = passwordProblem(password, { username: config.auth.username });
  if (problem) throw new UsageError(`${PROBLEM_TEXT[problem]}; nothing changed`);
  const db = await openDatabase(config.dataDir);
  try {
    const store = new AuthStore(db.kysely);
    await store.ensureUser(config.auth.username, password);
    await store.setPassword(password);
    process.stdout.write(`Password changed for "${config.auth.username}"; every session was ended.\n`);
    return 0;
  } finally {
    await db.close();
  }
}
