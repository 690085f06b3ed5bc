// `psr`: one entry point for the server, the scan, the Plex check and the emulator.

import { UsageError } from "./cli/args.js";
import { ConfigError } from "./config/env.js";
import { errorMessage } from "./error-message.js";
import { printable } from "./log-text.js";
import { PlexError } from "./plex/index.js";
import { loadRuntimeConfig } from "./runtime.js";
import { VERSION } from "./version.js";

const USAGE = `Plex Smart Refresher ${VERSION}

Usage: psr <command> [options]

Commands:
  serve                 Web UI and API (PSR_HOST:PSR_PORT, default 127.0.0.1:8501)
  scan [options]        One scan in the foreground, recorded as a job
                        --library NAME (repeatable) --days N --max-items N --all
                        --dry-run --concurrency N --json
  jobs list [--json]    Recent scans; also: jobs show ID, jobs log ID [--tail N] [-f],
                        jobs cancel ID (reaches a scan in any process within ~1 s)
  passwd                Set the login password (ends every session); reads stdin when piped
  plex check [--json]   Test the connection to Plex: server, version, libraries and counts
  emulator [options]    Run the bundled Plex emulator
                        --port N (32400) --token T --seed N --items N --broken SHARE
                        --profile standard|demo --workers N --min-ms N --max-ms N
                        --latency MS --error-rate R
  demo [--items N]      Emulator and web UI together, to try the app without Plex
                        (--seed N --profile demo|standard)
  import DIR            Import the Python version's settings.json and refresh_state.db [--dry-run] [--json]
  help                  This text

Configuration comes from the environment and .env (see .env.example).
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return 0;
    case "--version":
    case "-v":
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case "serve": {
      const { serveCommand } = await import("./cli/serve.js");
      return serveCommand(rest, loadRuntimeConfig());
    }
    case "scan": {
      const { scanCommand } = await import("./cli/scan.js");
      return scanCommand(rest, loadRuntimeConfig());
    }
    case "jobs": {
      const { jobsCommand } = await import("./cli/jobs.js");
      return jobsCommand(rest, loadRuntimeConfig());
    }
    case "passwd": {
      const { passwdCommand } = await import("./cli/passwd.js");
      return passwdCommand(rest, loadRuntimeConfig());
    }
    case "plex": {
      const [sub, ...args] = rest;
      if (sub !== "check")
        throw new UsageError(`Unknown command "plex ${sub ?? ""}". Did you mean "psr plex check"?`);
      const { plexCheckCommand } = await import("./cli/plex-check.js");
      return plexCheckCommand(args, loadRuntimeConfig());
    }
    case "emulator": {
      const { emulatorCommand } = await import("./cli/emulator.js");
      return emulatorCommand(rest);
    }
    case "import": {
      const { importCommand } = await import("./cli/import.js");
      return importCommand(rest, loadRuntimeConfig());
    }
    case "demo": {
      const { demoCommand } = await import("./cli/demo.js");
      return demoCommand(rest, loadRuntimeConfig(), process.env);
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

/**
 * Maps failures to one line on stderr and an exit code: 2 for bad input, 1 for the rest. A
 * message may quote Plex (library names in "No library named …"): escaped like the job logs.
 */
function report(error: unknown): number {
  if (error instanceof UsageError) {
    process.stderr.write(`psr: ${printable(error.message)}\nRun "psr help" for usage.\n`);
    return 2;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`psr: ${printable(error.message)}\n`);
    return 2;
  }
  if (error instanceof PlexError) {
    process.stderr.write(`psr: ${printable(error.message)}\n`);
    return 1;
  }
  const exitCode = (error as { exitCode?: unknown }).exitCode;
  process.stderr.write(`psr: ${printable(errorMessage(error))}\n`);
  return typeof exitCode === "number" ? exitCode : 1;
}

// Exit explicitly: idle keep-alive sockets to Plex must not hold a finished command open.
// (stdout/stderr writes are synchronous for files, pipes and terminals on Linux.)
run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(report(error)),
);
