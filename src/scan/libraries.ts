// The Plex libraries with their item counts, as the CLI check and the API show them.
import type { PlexClient, PlexSection } from "../plex/index.js";

/** Metadata type numbers counted per library type: shows count shows, not episodes. */
const COUNT_TYPE: Record<string, number> = { movie: 1, show: 2, artist: 8, photo: 13 };

export interface LibraryInfo {
  id: string;
  title: string;
  type: string;
  agent: string;
  language: string;
  personal: boolean;
  /** Movie and show libraries can be scanned; others are listed for information. */
  scannable: boolean;
  count: number;
}

export async function librariesWithCounts(
  plex: PlexClient,
  sections?: readonly PlexSection[],
): Promise<LibraryInfo[]> {
  const list = sections ?? (await plex.sections());
  return Promise.all(
    list.map(async (s) => {
      const type = COUNT_TYPE[s.type];
      return {
        id: s.id,
        title: s.title,
        type: s.type,
        agent: s.agent,
        language: s.language,
        personal: s.isPersonal,
        scannable: s.type === "movie" || s.type === "show",
        count: await plex.count(s.id, type === undefined ? {} : { type }),
      };
    }),
  );
}
