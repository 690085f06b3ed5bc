// Who may read /metrics: nobody (off), anyone (PSR_METRICS_AUTH=none), or a request carrying the
// metrics token as a bearer token or as the basic-auth password (what Prometheus, Grafana Agent
// and Uptime Kuma can send). The token is compared in constant time and opens nothing else.
import { safeEqual } from "../auth/crypto.js";
import type { Config } from "../config/env.js";

export type MetricsAccess = Config["metrics"];
export type MetricsVerdict = "off" | "allowed" | "missing" | "wrong";

/** The credential in an Authorization header: a bearer token, or a basic-auth password. */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*(bearer|basic)\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return undefined;
  const [, scheme = "", value = ""] = match;
  if (scheme.toLowerCase() === "bearer") return value;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  // Any user name is accepted: Prometheus' basic_auth needs one, and it carries no secret.
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

export function metricsVerdict(access: MetricsAccess, authorization: string | undefined): MetricsVerdict {
  if (access.access === "off") return "off";
  if (access.access === "open") return "allowed";
  const token = presentedToken(authorization);
  if (token === undefined) return "missing";
  return safeEqual(token, access.token) ? "allowed" : "wrong";
}
