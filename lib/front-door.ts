// What the server in front of Next (server/index.mjs) tells a route about its request: the
// client's address and the origin browsers reach us at. Believed only with the per-process key
// that server sets, so a client of a server started some other way (`next start` alone) cannot
// forge them; without it the address is unknown (null), never taken from the request's headers.

import 'server-only';

const KEY = Symbol.for('sriov-fleet.front-door-key');
export const CLIENT_ADDRESS_HEADER = 'x-sfm-client-address';
export const PUBLIC_ORIGIN_HEADER = 'x-sfm-public-origin';
export const FRONT_DOOR_HEADER = 'x-sfm-front-door';

function frontDoorKey(): string | undefined {
  return (globalThis as unknown as Record<symbol, string | undefined>)[KEY];
}

function fromFrontDoor(request: Request): boolean {
  const key = frontDoorKey();
  return key !== undefined && request.headers.get(FRONT_DOOR_HEADER) === key;
}

/** The client's address: the socket's, or what a trusted proxy reported (TRUSTED_PROXIES). */
export function clientAddressOf(request: Request): string | null {
  return fromFrontDoor(request) ? request.headers.get(CLIENT_ADDRESS_HEADER) : null;
}

/** The origin an Origin header must equal: PUBLIC_ORIGIN, or what the request was addressed to. */
export function publicOriginOf(request: Request): string {
  return (fromFrontDoor(request) && request.headers.get(PUBLIC_ORIGIN_HEADER)) || new URL(request.url).origin;
}

/** Tests call route handlers in-process: they play the front door's part with a key of their own. */
export function frontDoorHeadersForTests(address: string): Record<string, string> {
  const global = globalThis as unknown as Record<symbol, string | undefined>;
  global[KEY] ??= `test-${Math.random().toString(36).slice(2)}`;
  return { [FRONT_DOOR_HEADER]: global[KEY]!, [CLIENT_ADDRESS_HEADER]: address };
}
