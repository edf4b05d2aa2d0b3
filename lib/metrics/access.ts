// Who may scrape /metrics: whoever sends the token configured on the server (METRICS_TOKEN, or
// the file METRICS_TOKEN_FILE names), as Prometheus does with `authorization: { credentials }`.
// Not a user's session or API token: a scraper is not a person, and the metrics carry no secret
// but do map the fleet. With no token configured, nobody may: 403 saying how to turn them on.

import 'server-only';
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { env } from '@/lib/env';
import { errorResponse } from '@/lib/http';

/** As long as the agent's token must be (agent/src/server.ts): a short one is guessed. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

export type MetricsAccess = { ok: true } | { ok: false; response: Response };

/** The token scrapes must send, or why there is none to compare with. */
export function configuredMetricsToken(): { token: string } | { problem: string } {
  let token = env.metricsToken;
  const file = env.metricsTokenFile;
  if (token === undefined && file !== undefined) {
    try {
      token = fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return { problem: `Metrics are off: the file METRICS_TOKEN_FILE names cannot be read (${code}).` };
    }
  }
  if (token === undefined) return { problem: 'Metrics are off: set METRICS_TOKEN (or METRICS_TOKEN_FILE) on the server and send it as Authorization: Bearer <token>.' };
  if (token.length < MIN_METRICS_TOKEN_LENGTH) return { problem: `Metrics are off: the metrics token must be at least ${MIN_METRICS_TOKEN_LENGTH} characters.` };
  return { token };
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export function checkMetricsAccess(authorization: string | null): MetricsAccess {
  const configured = configuredMetricsToken();
  if ('problem' in configured) return { ok: false, response: errorResponse('forbidden', configured.problem) };
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  // Digests of equal length, so the comparison takes the same time whatever was sent.
  if (presented === undefined || !timingSafeEqual(digest(presented), digest(configured.token))) {
    const response = errorResponse('unauthorized', 'A valid bearer token is required: Authorization: Bearer <METRICS_TOKEN>.');
    response.headers.set('WWW-Authenticate', 'Bearer realm="sriov-fleet-metrics"');
    return { ok: false, response };
  }
  return { ok: true };
}
