import { describe, expect, it } from 'vitest';
import * as route from './route';

describe('GET /healthz', () => {
  it('answers 200 {"status":"ok"}, never cached, asking nothing of the database', async () => {
    // No DATABASE_URL pointing anywhere usable: liveness must not depend on it.
    process.env.DATABASE_URL = 'file:/nonexistent-folder/fleet.db';
    const response = route.GET();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(route.dynamic).toBe('force-dynamic');
  });
});
