import type { Migration } from "kysely";
import * as m001 from "./001_settings.js";
import * as m002 from "./002_scans_and_items.js";
import * as m003 from "./003_auth.js";
import * as m004 from "./004_item_ignore.js";
import * as m006 from "./006_match_undo.js";
import * as m007 from "./007_history_source.js";
import * as m008 from "./008_reason_codes.js";
import * as m009 from "./009_job_error_reason.js";
import * as m010 from "./010_placeholder_check.js";

// Ordered by name; never edit a migration that has shipped, add a new one.
export const migrations: Record<string, Migration> = {
  "001_settings": m001,
  "002_scans_and_items": m002,
  "003_auth": m003,
  "004_item_ignore": m004,
  "006_match_undo": m006,
  "007_history_source": m007,
  "008_reason_codes": m008,
  "009_job_error_reason": m009,
  "010_placeholder_check": m010,
};
