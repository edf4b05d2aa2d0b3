// The fleet view's query lives in the URL (shareable, survives reload); these translate between
// the two and name the TanStack Query keys, shared by the server prefetch and the client hooks.

import { fleetQuerySchema, type FleetQuery } from './fleet';

export const DEFAULT_FLEET_QUERY: FleetQuery = fleetQuerySchema.parse({});

export const fleetQueryKeys = {
  all: ['fleet'] as const,
  summary: ['fleet', 'summary'] as const,
  hosts: (query: FleetQuery) => ['fleet', 'hosts', query] as const,
};

/** Only the values that differ from the defaults, so URLs stay short. */
export function fleetSearchParams(query: FleetQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [keyof FleetQuery, FleetQuery[keyof FleetQuery]][]) {
    if (value !== undefined && value !== '' && value !== DEFAULT_FLEET_QUERY[key]) params.set(key, String(value));
  }
  return params;
}

/** A URL the user typed may be wrong: fall back to the defaults for what does not parse. */
export function fleetQueryFromParams(params: URLSearchParams | Record<string, string | string[] | undefined>): FleetQuery {
  const entries = params instanceof URLSearchParams ? [...params] : Object.entries(params);
  const raw: Record<string, string> = {};
  for (const [key, value] of entries) {
    const v = Array.isArray(value) ? value[0] : value;
    if (v !== undefined && key in fleetQuerySchema.shape) raw[key] = v;
  }
  const whole = fleetQuerySchema.safeParse(raw);
  if (whole.success) return whole.data;
  const kept = Object.fromEntries(Object.entries(raw).filter(([key, value]) => fleetQuerySchema.safeParse({ [key]: value }).success));
  return fleetQuerySchema.parse(kept);
}
