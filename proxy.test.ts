// Load balancers probe and Prometheus scrapes without a session: the proxy must pass them
// through, not send them to the sign-in page, while every other page without a session still
// goes there.

import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '@/lib/auth/constants';
import { proxy } from './proxy';

const request = (path: string, cookie?: string) => new NextRequest(new URL(path, 'http://fleet.example:3000'), cookie ? { headers: { cookie } } : {});

describe('proxy', () => {
  it.each(['/healthz', '/readyz', '/metrics'])('lets %s through without a session cookie, with the API policy', (path) => {
    const response = proxy(request(path));
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it.each(['/hosts', '/healthz/extra', '/readyzz', '/metrics/x', '/'])('still sends %s without a session cookie to the sign-in page', (path) => {
    const response = proxy(request(path));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get('location')!).pathname).toBe('/login');
  });

  it('lets a page through with a session cookie', () => {
    const response = proxy(request('/hosts', `${SESSION_COOKIE}=x`));
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('x-middleware-next')).toBe('1');
  });
});
