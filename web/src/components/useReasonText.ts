import { useTranslation } from "react-i18next";
import type { Reason } from "../../../src/contracts/reasons";
import { reasonOrNote } from "../lib/reason";

/** Words a row's reason in the reader's language (the stored note for rows from before codes). */
export function useReasonText(): (row: { reason?: Reason | null; note?: string | null }) => string {
  const { t, i18n } = useTranslation();
  return (row) => reasonOrNote(t, i18n.language, row);
}
