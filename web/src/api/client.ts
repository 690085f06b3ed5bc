// The one way the SPA talks to the server: fetch with JSON, the CSRF token on unsafe requests,
// and errors turned into ApiError. A 401 is reported to the auth layer, which sends the user to
// the login page and back afterwards.
import { ApiError } from "./errors";

let csrfToken: string | null = null;
let onUnauthorized: ((error: ApiError) => void) | null = null;
let onNetworkError: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: ((error: ApiError) => void) | null): void {
  onUnauthorized = handler;
}

/** Told when a request got no answer at all (the live store then checks whether the server is gone). */
export function setNetworkErrorHandler(handler: (() => void) | null): void {
  onNetworkError = handler;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** Don't report a 401 (the login call and the first "who am I"). */
  quiet401?: boolean;
}

async function errorFrom(response: Response): Promise<ApiError> {
  let body: { error: string; code?: string; [k: string]: unknown };
  try {
    const parsed = (await response.json()) as unknown;
    body =
      parsed && typeof parsed === "object" && typeof (parsed as { error?: unknown }).error === "string"
        ? (parsed as typeof body)
        : { error: `HTTP ${response.status}` };
  } catch {
    body = { error: `HTTP ${response.status}` };
  }
  const header = Number(response.headers.get("Retry-After"));
  const retry =
    typeof body.retryAfterSeconds === "number"
      ? body.retryAfterSeconds
      : Number.isFinite(header) && header > 0
        ? header
        : null;
  return new ApiError(response.status, body, retry);
}

/** Sends a request and resolves with the response; throws ApiError for any non-2xx. */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    // A TypeError is "no answer"; an aborted request (AbortError) is not the server's fault.
    if (error instanceof TypeError) onNetworkError?.();
    throw error;
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !options.quiet401) onUnauthorized?.(error);
    throw error;
  }
  return response;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await request(path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
