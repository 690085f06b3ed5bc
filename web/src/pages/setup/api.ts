// Server calls of the setup and of the Plex connection (shared with the settings page).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { PlexTestResponse } from "../../../../src/contracts/schemas";
import type {
  PlexConnectionBody,
  PlexConnectionView,
  SetupLibrariesBody,
  SetupScheduleBody,
  SetupStatus,
} from "../../../../src/contracts/setup";
import { api } from "../../api/client";
import { keys } from "../../api/queries";

export const setupKeys = {
  status: ["setup"] as const,
  connection: ["plex-connection"] as const,
};

export function useSetupStatus() {
  return useQuery({
    queryKey: setupKeys.status,
    queryFn: ({ signal }) => api<SetupStatus>("/api/setup", { signal }),
    staleTime: 60_000,
    refetchOnWindowFocus: false,
  });
}

export function usePlexConnection() {
  return useQuery({
    queryKey: setupKeys.connection,
    queryFn: ({ signal }) => api<PlexConnectionView>("/api/plex/connection", { signal }),
  });
}

/** Everything that depends on the connection is asked again after it changes. */
function refreshAfterConnectionChange(client: ReturnType<typeof useQueryClient>) {
  void client.invalidateQueries({ queryKey: setupKeys.status });
  void client.invalidateQueries({ queryKey: keys.libraries });
}

export function useSaveConnection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PlexConnectionBody) =>
      api<PlexConnectionView>("/api/plex/connection", { method: "PUT", body }),
    onSuccess: (view) => {
      client.setQueryData(setupKeys.connection, view);
      refreshAfterConnectionChange(client);
    },
  });
}

/** Tries a connection: the one in effect (no body), or one about to be saved. */
export function useConnectionTest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PlexConnectionBody | undefined) =>
      api<PlexTestResponse>("/api/plex/test", { method: "POST", ...(body ? { body } : {}) }),
    // A passing test of the connection in effect ends the "failed at start" state.
    onSuccess: (result, body) => {
      if (result.ok && !body) refreshAfterConnectionChange(client);
    },
  });
}

export function useSaveSetupLibraries() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupLibrariesBody) =>
      api<SetupLibrariesBody>("/api/setup/libraries", { method: "POST", body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.settings }),
  });
}

export function useSaveSetupSchedule() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SetupScheduleBody) =>
      api<{ schedule: Record<string, unknown> }>("/api/setup/schedule", { method: "POST", body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: keys.settings }),
  });
}
