// `psr plex check`: can we reach Plex with this token, and what libraries does it have? The
// connection is the environment's, or the one set in the browser when the environment has none.
// Names come from Plex and go to a terminal: they are escaped like the job logs' (log-text.ts).
import type { Config } from "../config/env.js";
import { printable } from "../log-text.js";
import type { PlexClient } from "../plex/index.js";
import { createPlexClientFor, resolvePlexConnection } from "../runtime.js";
import { librariesWithCounts } from "../scan/libraries.js";
import { parseCommandArgs } from "./args.js";

export interface PlexCheckResult {
  server: { name: string; version: string; machineIdentifier: string };
  libraries: { id: string; title: string; type: string; agent: string; count: number }[];
}

export async function checkPlex(client: PlexClient): Promise<PlexCheckResult> {
  const [server, sections] = await Promise.all([client.server(), client.sections()]);
  const libraries = (await librariesWithCounts(client, sections)).map(
    ({ id, title, type, agent, count }) => ({
      id,
      title,
      type,
      agent,
      count,
    }),
  );
  return {
    server: {
      name: server.friendlyName,
      version: server.version,
      machineIdentifier: server.machineIdentifier,
    },
    libraries,
  };
}

export function formatPlexCheck(result: PlexCheckResult): string {
  const { server } = result;
  const lines = [`Connected to ${printable(server.name)} (Plex ${printable(server.version)})`];
  if (result.libraries.length === 0) lines.push("No libraries found.");
  const libraries = result.libraries.map((l) => ({
    ...l,
    id: printable(l.id),
    title: printable(l.title),
    type: printable(l.type),
    agent: printable(l.agent),
  }));
  const width = Math.max(5, ...libraries.map((l) => l.title.length));
  for (const l of libraries) {
    lines.push(
      `  ${l.id.padStart(3)}  ${l.title.padEnd(width)}  ${l.type.padEnd(6)}  ${l.count.toLocaleString("en-US").padStart(8)} items  ${l.agent}`,
    );
  }
  return lines.join("\n");
}

export async function plexCheckCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean", default: false } });
  // One retry only: a connection test should answer quickly rather than wait out back-offs.
  const client = createPlexClientFor(await resolvePlexConnection(config), { retries: 1 });
  const result = await checkPlex(client);
  // In JSON the escapes (`\u202e`) stand for the same characters, so a parser reads the real names.
  process.stdout.write(
    values.json ? `${printable(JSON.stringify(result))}\n` : `${formatPlexCheck(result)}\n`,
  );
  return 0;
}
