// Kysely table types. Columns mirror the migrations; JSON columns hold serialised text.
import type { Generated } from "kysely";

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: Generated<number>;
}

export type ScanStatus = "queued" | "running" | "success" | "failed" | "cancelled" | "interrupted";

export interface ScanRunsTable {
  id: Generated<number>;
  status: ScanStatus;
  source: string;
  settings_json: Generated<string>;
  stats_json: string | null;
  progress_json: string | null;
  error: string | null;
  /** The error as a Reason (JSON), which the SPA words; null for jobs recorded before codes. */
  error_reason_json: string | null;
  cancel_requested: Generated<number>;
  pid: number | null;
  heartbeat_at: number | null;
  log_path: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface ItemsTable {
  rating_key: string;
  section_id: string | null;
  library: string | null;
  type: string;
  title: string;
  year: number | null;
  parent_rating_key: string | null;
  state: string;
  problems_json: Generated<string>;
  note: string | null;
  /** JSON {code, params}: the note as a code the SPA translates; null on rows from before (008). */
  reason_json: string | null;
  candidates_json: string | null;
  attempts: Generated<number>;
  last_job_id: number | null;
  last_checked_at: number;
  last_failed_at: number | null;
  fixed_at: number | null;
  /** Set by hand (migration 004): scans leave the item alone while this is not null. */
  ignored_at: number | null;
  ignore_reason: string | null;
  /** JSON {guid|null, title, year}: the match the app's last match replaced (006). */
  previous_match_json: string | null;
  /** A person undid the app's match: scans no longer match the item by themselves (006). */
  match_undone_at: number | null;
  /** A waiting placeholder's next scheduled check, epoch ms; null otherwise (010). */
  next_check_at: number | null;
}

export interface ItemHistoryTable {
  id: Generated<number>;
  rating_key: string;
  job_id: number | null;
  at: number;
  action: string;
  outcome: string;
  problems_json: Generated<string>;
  note: string | null;
  /** JSON {code, params}, as on the item (008). */
  reason_json: string | null;
  /** `watch` for watch mode's checks; null for scans and item actions (migration 007). */
  source: string | null;
}

export interface AuthUserTable {
  id: number;
  username: string;
  password_hash: string;
  changed_at: number;
}

export interface SessionsTable {
  id_hash: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  key: string;
  at: number;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  key_hash: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface Database {
  settings: SettingsTable;
  scan_runs: ScanRunsTable;
  items: ItemsTable;
  item_history: ItemHistoryTable;
  auth_user: AuthUserTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  api_keys: ApiKeysTable;
}
