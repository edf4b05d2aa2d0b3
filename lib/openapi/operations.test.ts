import fs from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '@/lib/openapi/operations';

const API = path.resolve(import.meta.dirname, '../../app/api');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Every route file under app/api and the methods it exports, as OpenAPI paths ("/api/hosts/{id}" get). */
function routesOnDisk(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name === 'route.ts') {
        const route = '/api/' + path.relative(API, dir).split(path.sep).join('/');
        if (route.includes('[...')) continue; // the catch-all that answers unknown paths with 404
        const source = fs.readFileSync(file, 'utf8');
        const openApiPath = route.replace(/\[(\w+)\]/g, '{$1}').replace(/\/$/, '');
        for (const method of METHODS) if (new RegExp(`^export (const|async function|function) ${method}\\b`, 'm').test(source)) found.push(`${method.toLowerCase()} ${openApiPath}`);
      }
    }
  };
  walk(API);
  return found.sort();
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters: { name: string; in: string }[] }>> };
  const described = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).sort();

  it('describes every route file and method under app/api, and nothing that is not there', () => {
    const onDisk = routesOnDisk();
    expect(onDisk.length).toBeGreaterThan(40);
    expect(described.filter((d) => !onDisk.includes(d)), 'described but not in app/api').toEqual([]);
    expect(onDisk.filter((d) => !described.includes(d)), 'in app/api but not described').toEqual([]);
  });

  it('is OpenAPI 3.1 and every operation names its path parameters and answers the error envelope', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const [p, ops] of Object.entries(doc.paths)) {
      const params = [...p.matchAll(/\{(\w+)\}/g)].map(([, n]) => n);
      for (const [m, o] of Object.entries(ops)) {
        expect(o.parameters.filter((x) => x.in === 'path').map((x) => x.name), `${m} ${p}`).toEqual(params);
        expect(o.responses['400'], `${m} ${p}`).toEqual({ description: expect.any(String), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
        expect(Object.keys(o.responses).some((s) => s.startsWith('2') || s === '302'), `${m} ${p}`).toBe(true);
      }
    }
  });

  it('validates against the OpenAPI 3.1 schema (@seriousme/openapi-schema-validator)', async () => {
    const result = await new Validator().validate(openApiDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator refuses a document that is not OpenAPI: a parameter "in" a place there is none.
    const broken = structuredClone(openApiDocument()) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    broken.paths['/api/hosts']!.get!.parameters = [{ name: 'x', in: 'body', schema: { type: 'string' } }];
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('carries the request body schemas of the zod schemas the routes parse', () => {
    const register = doc.paths['/api/hosts']!.post as unknown as { requestBody: { content: { 'application/json': { schema: { type: string; properties: Record<string, unknown> } } } } };
    const schema = register.requestBody.content['application/json'].schema;
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).length).toBeGreaterThan(0);
  });
});
