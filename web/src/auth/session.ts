// Who is logged in: GET /api/auth/me (null when not), login and logout.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { LoginBody, LoginResponse, MeResponse } from "../../../src/contracts/schemas";
import { api, setCsrfToken } from "../api/client";
import { ApiError } from "../api/errors";
import { keys } from "../api/queries";

async function fetchMe(): Promise<MeResponse | null> {
  try {
    const me = await api<MeResponse>("/api/auth/me", { quiet401: true });
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: fetchMe, staleTime: Number.POSITIVE_INFINITY, retry: 1 });
}

export function useLogin() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginBody) =>
      api<LoginResponse>("/api/auth/login", { method: "POST", body, quiet401: true }),
    onSuccess: (data) => {
      setCsrfToken(data.csrfToken);
      client.setQueryData<MeResponse>(keys.me, {
        username: data.username,
        via: "session",
        csrfToken: data.csrfToken,
      });
    },
  });
}

export function useLogout() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<{ ok: boolean }>("/api/auth/logout", { method: "POST", quiet401: true }),
    onSettled: () => {
      setCsrfToken(null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
      client.setQueryData(keys.me, null);
    },
  });
}
