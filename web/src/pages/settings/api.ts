// Server calls of the settings page (kept beside it so the page's code loads with it, lazily).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type {
  ApiKeyCreated,
  ApiKeysResponse,
  MeResponse,
  NotificationTestResult,
  PasswordChangeBody,
  PasswordChangeResponse,
  SchedulePreviewResponse,
  SettingsResponse,
} from "../../../../src/contracts/schemas";
import { api, setCsrfToken } from "../../api/client";
import { keys } from "../../api/queries";

const apiKeysKey = ["api-keys"] as const;

/** PUT /api/settings with one section's keys; the answer replaces the cached settings. */
export function useSaveSettings() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: Record<string, unknown>) =>
      api<Omit<SettingsResponse, "plex">>("/api/settings", { method: "PUT", body: patch }),
    onSuccess: (data) => {
      client.setQueryData<SettingsResponse>(keys.settings, (old) => (old ? { ...old, ...data } : old));
    },
  });
}

export function fetchSchedulePreview(schedule: Record<string, unknown>, signal?: AbortSignal) {
  return api<SchedulePreviewResponse>("/api/schedule/preview", {
    method: "POST",
    body: { schedule },
    signal,
  });
}

/**
 * The next runs of a schedule, computed by the server with the scheduler's own code a moment
 * after the last change (null: no preview, e.g. the schedule is off). The settings page and the
 * setup both follow their draft with it.
 */
export function useSchedulePreview(schedule: Record<string, unknown> | null) {
  const [preview, setPreview] = useState<SchedulePreviewResponse | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const scheduleJson = JSON.stringify(schedule);
  useEffect(() => {
    const current = JSON.parse(scheduleJson) as Record<string, unknown> | null;
    if (current === null) {
      setPreview(null);
      setPreviewError(null);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetchSchedulePreview(current, controller.signal)
        .then((p) => {
          setPreview(p);
          setPreviewError(null);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setPreview(null);
          setPreviewError(error);
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [scheduleJson]);
  return { preview, previewError };
}

export function useNotificationTest() {
  return useMutation({
    mutationFn: (agent: string) =>
      api<{ results: NotificationTestResult[] }>("/api/notifications/test", {
        method: "POST",
        body: { agent },
      }),
  });
}

export function useChangePassword() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PasswordChangeBody) =>
      api<PasswordChangeResponse>("/api/auth/password", { method: "POST", body }),
    // The server gave this browser a new session (the old one ended with the others).
    onSuccess: (data) => {
      if (!data.csrfToken) return;
      setCsrfToken(data.csrfToken);
      client.setQueryData<MeResponse | null>(keys.me, (old) =>
        old ? { ...old, csrfToken: data.csrfToken } : old,
      );
    },
  });
}

export function useLogoutEverywhere() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ ok: true; sessionsEnded: number }>("/api/auth/logout-all", { method: "POST" }),
    // This session ended too: forgetting it sends the user to the login page.
    onSuccess: () => {
      setCsrfToken(null);
      client.setQueryData(keys.me, null);
    },
  });
}

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeysKey,
    queryFn: ({ signal }) => api<ApiKeysResponse>("/api/auth/api-keys", { signal }),
  });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      api<ApiKeyCreated>("/api/auth/api-keys", { method: "POST", body: { name } }),
    onSettled: () => client.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<{ ok: true }>(`/api/auth/api-keys/${id}`, { method: "DELETE" }),
    onSettled: () => client.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
