// Entity tags for the two answers the server polls (GET /v1/inventory, GET /v1/vms), so an
// unchanged host answers 304 and the server neither parses nor diffs it. The agent still reads
// the host every time: only that reading tells whether anything changed.

import { createHash } from 'node:crypto';
import type { Inventory } from './api-types';

/** A strong ETag (RFC 9110 §8.8.3): quoted base64url SHA-256 of the JSON text. */
export function etagOf(value: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url')}"`;
}

/**
 * The inventory's tag leaves out what differs at every read even on an unchanged host (when it
 * was collected and how long that took); the boot id is in `host`, so a rebooted host never
 * matches its last boot's tag.
 */
export function inventoryEtag(inventory: Inventory): string {
  return etagOf({ ...inventory, collectedAt: undefined, durationMs: undefined });
}

/**
 * Whether an If-None-Match field value matches the current tag, so the answer is 304 (RFC 9110
 * §13.1.2): `*` matches any current representation; otherwise any listed tag matches by weak
 * comparison (W/ ignored on both sides, §8.8.3.2). A malformed list matches nothing, so the
 * client gets the full answer rather than a wrong 304.
 */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return true;
  const current = opaqueTag(etag);
  const tags = parseEntityTags(value);
  return tags !== null && tags.includes(current);
}

function opaqueTag(etag: string): string {
  return etag.startsWith('W/') ? etag.slice(2) : etag;
}

/**
 * `#entity-tag` per RFC 9110: a comma-separated list (empty elements allowed) of `"..."` or
 * `W/"..."`, whose characters may include commas; null when the list does not parse.
 */
function parseEntityTags(value: string): string[] | null {
  const tags: string[] = [];
  let i = 0;
  const skip = (): void => {
    while (i < value.length && (value[i] === ' ' || value[i] === '\t' || value[i] === ',')) i++;
  };
  skip();
  while (i < value.length) {
    if (value.startsWith('W/', i)) i += 2;
    if (value[i] !== '"') return null;
    const end = value.indexOf('"', i + 1);
    if (end < 0) return null;
    tags.push(value.slice(i, end + 1));
    i = end + 1;
    while (i < value.length && (value[i] === ' ' || value[i] === '\t')) i++;
    if (i < value.length && value[i] !== ',') return null;
    skip();
  }
  return tags;
}
