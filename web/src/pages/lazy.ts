// Pages other than the dashboard load on demand; nav links call the loaders on hover or focus.
import { lazy } from "react";

export const loadJobs = () => import("./Jobs");
export const loadJobDetail = () => import("./JobDetail");
export const loadItems = () => import("./Items");
export const loadStatistics = () => import("./Statistics");
export const loadSettings = () => import("./Settings");

export const JobsPage = lazy(loadJobs);
export const JobDetailPage = lazy(loadJobDetail);
export const ItemsPage = lazy(loadItems);
export const StatisticsPage = lazy(loadStatistics);
export const SettingsPage = lazy(loadSettings);

/**
 * Whether an error is a page's code failing to load: the server is down, or an upgrade renamed
 * the chunks. Each browser words it its own way (Chromium, Firefox, Safari, Vite's CSS preload).
 */
export function isChunkLoadError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /dynamically imported module|importing a module script failed|unable to preload css/i.test(message);
}

/** Loads a page's code ahead of a click; a failure is left to the click, which shows it. */
export function preload(load: () => Promise<unknown>): void {
  load().catch(() => undefined);
}
