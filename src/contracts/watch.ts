// Watch mode: its settings section and the status the dashboard shows (GET /api/watch/status).
// Imports nothing from the rest of src/ (only zod).
import { z } from "zod";

export const WATCH_LIMITS = {
  /** The settle time after Plex's "done" before an item is checked, in seconds. */
  settleSeconds: { min: 0, max: 600, default: 10 },
} as const;

/** The `watch` settings section: validated strictly like every other section. */
export const watchSettingsSchema = z
  .object({
    /** Listen for items Plex adds and repair them within a minute (on by default). */
    enabled: z.boolean().default(true),
    /** Seconds to wait after Plex's "done" before checking the item. */
    settleSeconds: z
      .number()
      .int()
      .min(WATCH_LIMITS.settleSeconds.min)
      .max(WATCH_LIMITS.settleSeconds.max)
      .default(WATCH_LIMITS.settleSeconds.default),
  })
  .strict();
export type WatchSettings = z.output<typeof watchSettingsSchema>;

export const WATCH_STATES = ["off", "unconfigured", "connecting", "connected", "disconnected"] as const;
export type WatchState = (typeof WATCH_STATES)[number];

/** What the watcher handled on one day (the server's local date). */
export const watchTodaySchema = z.object({
  day: z.string(),
  checked: z.number().int().min(0),
  fixed: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type WatchToday = z.infer<typeof watchTodaySchema>;

/** `GET /api/watch/status`. */
export const watchStatusSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(WATCH_STATES),
  connected: z.boolean(),
  settleSeconds: z.number().int(),
  /** Items waiting for Plex's "done", their settle time or their check. */
  queueDepth: z.number().int().min(0),
  /** Epoch milliseconds of the last item the watcher saw arrive, or null. */
  lastAddedAt: z.number().nullable(),
  /** Plex is scanning a library right now (library.update.section started, not yet ended). */
  plexScanning: z.boolean(),
  /** A scan of this app is running: the watcher's repairs wait for it, so the two never overload Plex. */
  waitingForScan: z.boolean(),
  today: watchTodaySchema,
});
export type WatchStatus = z.infer<typeof watchStatusSchema>;
