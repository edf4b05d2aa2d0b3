// Test helpers: calling route handlers in-process as a given principal.

import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { frontDoorHeadersForTests } from '@/lib/front-door';
import { CSRF_HEADER, SESSION_COOKIE } from './constants';

export interface ApiRoute {
  /** "/api/hosts/[id]" */
  pattern: string;
  file: string;
}

/** Every route.ts under app/api, so a new route cannot be left out of the permission walk. */
export function enumerateApiRoutes(root: string): ApiRoute[] {
  const base = path.join(root, 'app', 'api');
  const found: ApiRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') found.push({ pattern: `/api/${path.relative(base, dir).split(path.sep).join('/')}`.replace(/\/$/, ''), file: full });
    }
  };
  walk(base);
  return found.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** A concrete URL and the params Next would pass, for a pattern like /api/users/[id]. */
export function concretePath(pattern: string): { url: string; params: Record<string, string | string[]> } {
  const params: Record<string, string | string[]> = {};
  const url = pattern
    .split('/')
    .map((segment) => {
      const catchAll = segment.match(/^\[\.\.\.(\w+)\]$/);
      if (catchAll) {
        params[catchAll[1]!] = ['no-such-thing'];
        return 'no-such-thing';
      }
      const dynamic = segment.match(/^\[(\w+)\]$/);
      if (dynamic) {
        params[dynamic[1]!] = 'id_that_does_not_exist';
        return 'id_that_does_not_exist';
      }
      return segment;
    })
    .join('/');
  return { url, params };
}

export interface As {
  cookie?: string;
  csrfToken?: string;
  bearer?: string;
  /** The client's address as the front door reports it (default 192.0.2.10). */
  address?: string;
}

export function apiRequest(method: string, url: string, as: As = {}, body?: unknown): NextRequest {
  const headers = new Headers(frontDoorHeadersForTests(as.address ?? '192.0.2.10'));
  if (as.cookie) headers.set('cookie', `${SESSION_COOKIE}=${as.cookie}`);
  if (as.csrfToken) headers.set(CSRF_HEADER, as.csrfToken);
  if (as.bearer) headers.set('authorization', `Bearer ${as.bearer}`);
  if (body !== undefined) headers.set('content-type', 'application/json');
  return new NextRequest(new URL(url, 'http://127.0.0.1:3000'), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
