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
