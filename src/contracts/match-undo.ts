// Undo of the app's matches (issue 13 §2): what `POST /api/items/:ratingKey/undo-match` restores.
import { z } from "zod";

/** What an item was matched to before the app's last match: a guid, or unmatched (guid null). */
export const matchRefSchema = z.object({
  guid: z.string().nullable(),
  title: z.string(),
  year: z.number().nullable(),
});
export type MatchRef = z.infer<typeof matchRefSchema>;
