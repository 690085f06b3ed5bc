// Server calls of the import page. The files go up raw (application/octet-stream), one request
// each, so a 64 MB database is streamed to the server rather than encoded into JSON.
import { useQueryClient } from "@tanstack/react-query";
import type { ImportFile, ImportResult, ImportUpload } from "../../../../src/contracts/import";
import type { MeResponse } from "../../../../src/contracts/schemas";
import { api } from "../../api/client";
import { ApiError } from "../../api/errors";
import { keys } from "../../api/queries";

export function useImportCalls() {
  const client = useQueryClient();

  /** PUT of one file's bytes, with the session's CSRF token like every other unsafe call. */
  async function sendFile(id: string, file: ImportFile, body: File): Promise<ImportUpload> {
    const csrf = client.getQueryData<MeResponse | null>(keys.me)?.csrfToken;
    const response = await fetch(`/api/import/uploads/${id}/${file}`, {
      method: "PUT",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/octet-stream",
        ...(csrf ? { "X-CSRF-Token": csrf } : {}),
      },
      body,
      credentials: "same-origin",
    });
    if (response.ok) return (await response.json()) as ImportUpload;
    let errorBody: ApiError["body"];
    try {
      errorBody = (await response.json()) as ApiError["body"];
    } catch {
      errorBody = { error: `HTTP ${response.status}` };
    }
    // An ended session: forgetting it sends the user to the login page, as the API client does.
    if (response.status === 401) client.setQueryData(keys.me, null);
    throw new ApiError(response.status, errorBody);
  }

  return {
    create: () => api<ImportUpload>("/api/import/uploads", { method: "POST" }),
    sendFile,
    preview: (id: string) => api<ImportResult>(`/api/import/uploads/${id}/preview`),
    apply: async (id: string) => {
      const result = await api<ImportResult>(`/api/import/uploads/${id}/import`, { method: "POST" });
      // Settings, items, runs and statistics may all have changed.
      await client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      return result;
    },
    discard: (id: string) => api<{ ok: true }>(`/api/import/uploads/${id}`, { method: "DELETE" }),
  };
}
