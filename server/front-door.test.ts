import { describe, expect, it } from 'vitest';
import * as lib from '@/lib/front-door';
// @ts-expect-error: a plain ES module run by node itself (server/index.mjs), checked with JSDoc.
import * as door from './front-door.mjs';

const none = door.parseTrustedProxies('');

describe('the client address', () => {
  it('is the socket’s when no proxy is trusted: X-Forwarded-For from a client is ignored', () => {
    expect(door.clientAddress('::ffff:127.0.0.1', '6.6.6.6', none)).toBe('127.0.0.1');
    expect(door.clientAddress('10.0.0.9', '6.6.6.6, 7.7.7.7', door.parseTrustedProxies('10.0.0.5'))).toBe('10.0.0.9');
  });

  it('behind a trusted proxy is the right-most entry that is not itself a trusted proxy', () => {
    const proxies = door.parseTrustedProxies('10.0.0.5, 10.1.0.0/16');
    // The client wrote 6.6.6.6 itself; the outer proxy (10.1.2.3) saw 203.0.113.7.
    expect(door.clientAddress('10.0.0.5', '6.6.6.6, 203.0.113.7, 10.1.2.3', proxies)).toBe('203.0.113.7');
    expect(door.clientAddress('10.0.0.5', ['203.0.113.7', '10.1.2.3'], proxies)).toBe('203.0.113.7');
    expect(door.clientAddress('10.0.0.5', undefined, proxies)).toBe('10.0.0.5');
    expect(door.clientAddress('10.0.0.5', 'not-an-address', proxies)).toBe('10.0.0.5');
  });

  it('TRUSTED_PROXIES takes addresses and CIDR blocks, IPv4 and IPv6, and refuses anything else', () => {
    const proxies = door.parseTrustedProxies('fd00::/8 192.0.2.1');
    expect(proxies.trusts('fd12::1')).toBe(true);
    expect(proxies.trusts('192.0.2.1')).toBe(true);
    expect(proxies.trusts('192.0.2.2')).toBe(false);
    expect(() => door.parseTrustedProxies('proxy.example.com')).toThrow(/TRUSTED_PROXIES: "proxy.example.com" is not an IP address/);
    expect(() => door.parseTrustedProxies('10.0.0.0/33')).toThrow(/bad prefix length/);
  });
});

describe('requests refused before Next', () => {
  const limits = { bodyLimit: 1024 };
  const ask = (method: string, url: string, headers: Record<string, string> = {}) => door.screen({ method, url, headers }, limits);

  it('a path that is not valid percent-encoding: 400', () => {
    expect(ask('GET', '/api/hosts/%E0%A4%A')).toMatchObject({ status: 400, code: 'bad-request' });
    expect(ask('GET', '/%')).toMatchObject({ status: 400 });
    expect(ask('GET', '/api/hosts/a%00b')).toMatchObject({ status: 400, message: 'path: must not contain a null byte.' });
    for (const path of ['/api/hosts/..', '/api/hosts/%2e%2e/x', '/api/hosts/a%2Fb', '/api/hosts/a%5cb', '/api/./hosts']) {
      expect(ask('GET', path), path).toMatchObject({ status: 400, message: 'path: must not contain dot segments or encoded separators.' });
    }
    expect(ask('GET', '/reports/inventory.csv')).toBeNull();
    expect(ask('GET', '/api/hosts?q=%E0%A4%A')).toMatchObject({ status: 400, message: 'query: "q" is not valid percent-encoding.' });
    expect(ask('GET', '/api/hosts?q=%E2%9C%93+ok&page=2')).toBeNull();
  });

  it('methods nobody serves: 405 with Allow', () => {
    for (const method of ['TRACE', 'TRACK', 'CONNECT', 'PROPFIND']) {
      expect(ask(method, '/api/hosts'), method).toMatchObject({ status: 405, code: 'method-not-allowed', headers: { Allow: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS' } });
    }
    expect(ask('PATCH', '/api/vfs/x')).toBeNull();
  });

  it('a declared body over the limit at once (413), a chunked body (411), a Content-Length that is not a number (400)', () => {
    expect(ask('POST', '/api/auth/login', { 'content-length': '999999999' })).toMatchObject({ status: 413, headers: { Connection: 'close' } });
    expect(ask('POST', '/api/auth/login', { 'content-length': '1024' })).toBeNull();
    expect(ask('POST', '/api/auth/login', { 'transfer-encoding': 'chunked' })).toMatchObject({ status: 411 });
    expect(ask('POST', '/api/auth/login', { 'content-length': '1e3' })).toMatchObject({ status: 400 });
  });
});

describe('headers only the front door sets', () => {
  it('are dropped from clients, and forwarding headers too unless the peer is a trusted proxy', () => {
    const headers: Record<string, string> = { [door.CLIENT_ADDRESS_HEADER]: '1.2.3.4', [door.FRONT_DOOR_HEADER]: 'guess', 'x-forwarded-for': '6.6.6.6', 'x-real-ip': '6.6.6.6', host: 'fleet' };
    door.scrubHeaders(headers, false);
    expect(headers).toEqual({ host: 'fleet' });
    const proxied: Record<string, string> = { 'x-forwarded-proto': 'https', [door.PUBLIC_ORIGIN_HEADER]: 'https://evil.example' };
    door.scrubHeaders(proxied, true);
    expect(proxied).toEqual({ 'x-forwarded-proto': 'https' });
  });

  it('are the names the routes read', () => {
    expect([door.CLIENT_ADDRESS_HEADER, door.PUBLIC_ORIGIN_HEADER, door.FRONT_DOOR_HEADER]).toEqual([lib.CLIENT_ADDRESS_HEADER, lib.PUBLIC_ORIGIN_HEADER, lib.FRONT_DOOR_HEADER]);
  });

  it('a route believes them only with the key of the server in front of it', () => {
    const forged = new Request('http://fleet/api/hosts', { headers: { [lib.CLIENT_ADDRESS_HEADER]: '6.6.6.6', [lib.FRONT_DOOR_HEADER]: 'guess' } });
    expect(lib.clientAddressOf(forged)).toBeNull();
    const real = new Request('http://fleet/api/hosts', { headers: lib.frontDoorHeadersForTests('203.0.113.4') });
    expect(lib.clientAddressOf(real)).toBe('203.0.113.4');
  });
});

describe('the public origin', () => {
  it('is PUBLIC_ORIGIN when set, else a trusted proxy’s forwarded host and scheme, else the Host header', () => {
    expect(door.publicOrigin({ configured: 'https://fleet.example.com', trustedPeer: false, headers: { host: 'x' }, encrypted: false })).toBe('https://fleet.example.com');
    expect(door.publicOrigin({ configured: null, trustedPeer: true, headers: { host: '10.0.0.2:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'fleet.example.com' }, encrypted: false })).toBe('https://fleet.example.com');
    expect(door.publicOrigin({ configured: null, trustedPeer: false, headers: { host: '127.0.0.1:3000', 'x-forwarded-host': 'evil.example' }, encrypted: false })).toBe('http://127.0.0.1:3000');
    expect(() => door.parsePublicOrigin('https://fleet.example.com/app')).toThrow(/only a scheme and host/);
    expect(door.parsePublicOrigin('https://fleet.example.com/')).toBe('https://fleet.example.com');
  });
});
