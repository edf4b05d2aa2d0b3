// /metrics as Prometheus meets it: the route with the shared client from DATABASE_URL, the token
// from the environment or a file, and the answers a scraper and a stranger get.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/lib/db/testing';
import { parseExposition, sampleValue } from '@/lib/testing/prometheus-text';
import * as route from './route';

const TOKEN = 'metrics-test-token-0123456789abcdef';
let db: TestDatabase;
let scratch: string;

beforeAll(async () => {
  db = await createTestDatabase();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sriov-fleet-metrics-'));
});
afterEach(() => {
  delete process.env.METRICS_TOKEN;
  delete process.env.METRICS_TOKEN_FILE;
});
afterAll(async () => {
  await db?.dispose();
  fs.rmSync(scratch, { recursive: true, force: true });
});

async function scrape(authorization?: string) {
  const response = await route.GET(new Request('http://fleet.example:3000/metrics', authorization === undefined ? {} : { headers: { authorization } }));
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type'), cacheControl: response.headers.get('cache-control'), challenge: response.headers.get('www-authenticate'), text };
}

const errorOf = (text: string) => (JSON.parse(text) as { error: { code: string; message: string } }).error;

// In order: the shared client is opened on first success and kept.
describe('GET /metrics', () => {
  it('is never cached', () => {
    expect(route.dynamic).toBe('force-dynamic');
  });

  it('is 503 in the envelope, naming no file, while the database cannot be opened', async () => {
    process.env.METRICS_TOKEN = TOKEN;
    process.env.DATABASE_URL = `file:${path.join(scratch, 'not-mounted', 'fleet.db')}`;
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(503);
    expect(errorOf(res.text)).toEqual({ code: 'unavailable', message: 'The fleet figures cannot be read from the database now; see the server log.' });
  });

  it('is 200 with the token: Prometheus text format, the fleet as the database holds it', async () => {
    process.env.DATABASE_URL = db.url;
    process.env.METRICS_TOKEN = TOKEN;
    await db.prisma.host.create({
      data: { name: 'kvm-m01', model: 'ProLiant DL380 Gen10', generation: 'Gen10', serialNumber: 'SN-M01', cpuVendor: 'Intel', agentUrl: 'https://kvm-m01:9443', agentStatus: 'offline', readinessVerdict: 'not-ready', vfsEnabled: 8, vfsAssigned: 3, vfsCapacity: 64 },
    });
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res).toMatchObject({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', cacheControl: 'no-store' });
    const metrics = parseExposition(res.text);
    expect(sampleValue(metrics, 'sriov_fleet_hosts', { readiness: 'not-ready', agent: 'offline' })).toBe(1);
    expect(sampleValue(metrics, 'sriov_fleet_hosts', { readiness: 'ready', agent: 'online' })).toBe(0);
    expect(sampleValue(metrics, 'sriov_fleet_vfs_free')).toBe(5);
    expect(res.text).not.toContain(TOKEN);
  });

  it('is 401 with a challenge without the token, with another token or another scheme', async () => {
    process.env.METRICS_TOKEN = TOKEN;
    for (const authorization of [undefined, '', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${Buffer.from(`prometheus:${TOKEN}`).toString('base64')}`, TOKEN, `Bearer ${TOKEN} extra`]) {
      const res = await scrape(authorization);
      expect(res.status, String(authorization)).toBe(401);
      expect(res.challenge).toBe('Bearer realm="sriov-fleet-metrics"');
      expect(errorOf(res.text).code).toBe('unauthorized');
      expect(res.text).not.toContain('sriov_fleet_hosts');
    }
    expect((await scrape(`bearer   ${TOKEN}`)).status).toBe(200);
  });

  it('is 403 saying how to turn metrics on while no token is configured, whatever is sent', async () => {
    for (const authorization of [undefined, 'Bearer anything-at-all-0123456789']) {
      const res = await scrape(authorization);
      expect(res.status).toBe(403);
      expect(errorOf(res.text)).toEqual({ code: 'forbidden', message: 'Metrics are off: set METRICS_TOKEN (or METRICS_TOKEN_FILE) on the server and send it as Authorization: Bearer <token>.' });
    }
    process.env.METRICS_TOKEN = 'short-token';
    const short = await scrape('Bearer short-token');
    expect(short.status).toBe(403);
    expect(errorOf(short.text).message).toBe('Metrics are off: the metrics token must be at least 16 characters.');
  });

  it('reads METRICS_TOKEN_FILE at each scrape, so a replaced token takes over at once', async () => {
    const file = path.join(scratch, 'metrics.token');
    fs.writeFileSync(file, `${TOKEN}\n`);
    process.env.METRICS_TOKEN_FILE = file;
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(200);
    const next = 'metrics-test-token-rotated-987654321';
    fs.writeFileSync(file, next);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(401);
    expect((await scrape(`Bearer ${next}`)).status).toBe(200);
    fs.rmSync(file);
    const gone = await scrape(`Bearer ${next}`);
    expect(gone.status).toBe(403);
    expect(errorOf(gone.text).message).toBe('Metrics are off: the file METRICS_TOKEN_FILE names cannot be read (ENOENT).');
    expect(gone.text).not.toContain(scratch);
  });
});
