// The server's OpenAPI 3.1 document, built from the zod schemas the routes parse with (z.toJSONSchema),
// so a changed schema changes the document. Every route file and method under app/api is listed here;
// lib/openapi/operations.test.ts fails when one is missing or a described one is gone.

import { z } from 'zod';
import { auditQuerySchema } from '@/lib/audit';
import { fleetQuerySchema } from '@/lib/inventory/fleet';
import { bulkLabelSchema, labelChangeSchema } from '@/lib/inventory/labels';
import { registerHostSchema } from '@/lib/inventory/register';
import { vmQuerySchema } from '@/lib/inventory/vms';
import { assignSchema, biosChangeSchema, fixSchema, osFixSchema, powerSchema, vfCountSchema, vfDriverSchema, vfSettingsSchema } from '@/lib/operations/requests';
import { createPolicySchema, importSchema, planRequestSchema, updatePolicySchema } from '@/lib/policies/service';
import { startRolloutSchema } from '@/lib/rollouts/service';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Operation {
  path: string;
  method: Method;
  summary: string;
  /** Answered without a session or token. */
  public?: boolean;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The success status and what it answers. */
  success?: { status: number; description: string; contentType?: string };
}

const op = (path: string, method: Method, summary: string, extra: Partial<Operation> = {}): Operation => ({ path, method, summary, ...extra });

export const OPERATIONS: readonly Operation[] = [
  op('/api/audit', 'get', 'The audit trail, newest first, filtered.', { query: auditQuerySchema }),
  op('/api/auth/login', 'post', 'Sign in with a local user name and password; sets the session cookie.', { public: true }),
  op('/api/auth/logout', 'post', 'Sign out: ends the session.'),
  op('/api/auth/oidc/callback', 'get', 'The identity provider returns here; answers a page to a browser.', { public: true, success: { status: 200, description: 'A page that goes on to the page asked for.', contentType: 'text/html' } }),
  op('/api/auth/oidc/start', 'get', 'Sends the browser to the identity provider (single sign-on).', { public: true, success: { status: 302, description: 'Redirect to the identity provider.' } }),
  op('/api/auth/session', 'get', 'Who is signed in, their role, and the CSRF token for changes.', { public: true }),
  op('/api/fleet/summary', 'get', 'Counts across the fleet: hosts, PFs, VFs, compliance.'),
  op('/api/hosts', 'get', 'The fleet table: hosts, filtered and paged.', { query: fleetQuerySchema }),
  op('/api/hosts', 'post', 'Register a host (its iLO and agent addresses).', { body: registerHostSchema, success: { status: 201, description: 'The host registered.' } }),
  op('/api/hosts/{id}', 'get', 'One host with its PFs, VFs and recent operations.'),
  op('/api/hosts/{id}/bios', 'patch', 'Change BIOS settings over Redfish (an operation).', { body: biosChangeSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/hosts/{id}/fix', 'post', 'Fix the host toward its policy (an operation).', { body: fixSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/hosts/{id}/labels', 'patch', 'Add or remove labels on one host.', { body: labelChangeSchema }),
  op('/api/hosts/{id}/operations', 'get', "The host's operations, newest first."),
  op('/api/hosts/{id}/os-fix', 'post', 'Fix the OS side (kernel arguments, VF counts) via the agent (an operation).', { body: osFixSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/hosts/{id}/power', 'post', 'Power action over iLO Redfish (an operation).', { body: powerSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/hosts/{id}/sync', 'post', 'Read the host again from its iLO and agent (an operation).', { success: { status: 202, description: 'The operation started.' } }),
  op('/api/labels', 'post', 'The same label change on many hosts at once.', { body: bulkLabelSchema }),
  op('/api/openapi.json', 'get', 'This document: the API in OpenAPI 3.1.', { public: true }),
  op('/api/operations/{id}', 'get', 'One operation, its steps and its end.'),
  op('/api/pfs/{id}/num-vfs', 'put', 'Set the number of VFs on a PF (an operation).', { body: vfCountSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/plans', 'post', 'Plan a policy against hosts: what would change, shown before confirming.', { body: planRequestSchema, success: { status: 201, description: 'The plan.' } }),
  op('/api/plans/{id}', 'get', 'One plan.'),
  op('/api/plans/{id}/freshness', 'get', 'Whether the hosts changed since the plan was made.'),
  op('/api/policies', 'get', 'The policies.'),
  op('/api/policies', 'post', 'Create a policy.', { body: createPolicySchema, success: { status: 201, description: 'The policy created.' } }),
  op('/api/policies/{id}', 'get', 'One policy.'),
  op('/api/policies/{id}', 'put', 'Change a policy (a new version).', { body: updatePolicySchema }),
  op('/api/policies/{id}', 'delete', 'Archive a policy.'),
  op('/api/policies/{id}/compliance', 'get', "Hosts the policy selects and whether each complies."),
  op('/api/policies/{id}/diff', 'get', 'What changed between two versions of a policy.'),
  op('/api/policies/export', 'get', 'All policies as one JSON document.'),
  op('/api/policies/import', 'post', 'Import policies exported elsewhere.', { body: importSchema }),
  op('/api/reports', 'get', 'The reports on offer.'),
  op('/api/reports/{name}', 'get', 'One report as CSV.', { success: { status: 200, description: 'The report.', contentType: 'text/csv' } }),
  op('/api/reports/{name}/view', 'get', 'One report as JSON rows for the page.'),
  op('/api/rollouts', 'get', 'The rollouts.'),
  op('/api/rollouts', 'post', 'Start a rollout of a plan in waves.', { body: startRolloutSchema, success: { status: 201, description: 'The rollout started.' } }),
  op('/api/rollouts/{id}', 'get', 'One rollout, its waves and hosts.'),
  op('/api/rollouts/{id}/cancel', 'post', 'Cancel a rollout.'),
  op('/api/rollouts/{id}/pause', 'post', 'Pause a rollout after the running wave.'),
  op('/api/rollouts/{id}/resume', 'post', 'Resume a paused rollout.'),
  op('/api/selectors/preview', 'post', 'Hosts a label selector picks.'),
  op('/api/tokens', 'get', 'Your API tokens (never their secrets).'),
  op('/api/tokens', 'post', 'Create an API token; its secret is shown once.', { success: { status: 201, description: 'The token and its secret, once.' } }),
  op('/api/tokens/{id}', 'delete', 'Revoke an API token.'),
  op('/api/users', 'get', 'The users.'),
  op('/api/users', 'post', 'Create a local user.', { success: { status: 201, description: 'The user created.' } }),
  op('/api/users/{id}', 'patch', "Change a user's role, password or whether they are disabled."),
  op('/api/vfs/{id}', 'patch', "Change a VF's settings (MAC, VLAN, trust, spoof check) (an operation).", { body: vfSettingsSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/vfs/{id}/assignment', 'post', 'Assign a VF to a VM over libvirt (an operation).', { body: assignSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/vfs/{id}/assignment', 'delete', 'Release a VF from its VM (an operation).', { success: { status: 202, description: 'The operation started.' } }),
  op('/api/vfs/{id}/driver', 'put', 'Bind a VF to a driver (an operation).', { body: vfDriverSchema, success: { status: 202, description: 'The operation started.' } }),
  op('/api/vms', 'get', 'The VMs and the VFs they hold.', { query: vmQuerySchema }),
];

/** The error envelope of lib/http.ts (ErrorBody). */
const ERROR_BODY = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: ['bad-request', 'unauthorized', 'forbidden', 'not-found', 'method-not-allowed', 'conflict', 'length-required', 'payload-too-large', 'unsupported-media-type', 'too-many-requests', 'internal', 'unavailable'] },
        message: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
} as const;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

function errorResponses(o: Operation): Record<string, unknown> {
  const errors: [number, string][] = [[400, 'Bad input: the message names the field.']];
  if (!o.public) errors.push([401, 'No session or API token.'], [403, 'The role may not do this, or a change without the CSRF token.']);
  if (o.path.includes('{')) errors.push([404, 'No such record.']);
  if (o.method !== 'get') errors.push([409, 'Another request changed the same records.']);
  if (o.body) errors.push([411, 'No Content-Length.'], [413, 'Body over 64 KiB.'], [415, 'Not application/json.']);
  errors.push([429, 'Too many requests.'], [500, 'An error of the server.'], [503, 'The database is busy or out of reach; nothing was changed.']);
  return Object.fromEntries(errors.map(([status, description]) => [String(status), { description, content: { 'application/json': { schema: ERROR_REF } } }]));
}

function queryParameters(schema: z.ZodType): unknown[] {
  const json = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of OPERATIONS) {
    const pathParams = [...o.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
    const success = o.success ?? { status: 200, description: 'OK.' };
    const successContent = success.status === 302 ? {} : { content: { [success.contentType ?? 'application/json']: { schema: success.contentType ? { type: 'string' } : {} } } };
    (paths[o.path] ??= {})[o.method] = {
      summary: o.summary,
      operationId: `${o.method}${o.path.replace(/^\/api/, '').replace(/[{}]/g, '').replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(o.public ? { security: [] } : {}),
      parameters: [...pathParams, ...(o.query ? queryParameters(o.query) : [])],
      ...(o.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(o.body) } } } } : {}),
      responses: { [String(success.status)]: { description: success.description, ...successContent }, ...errorResponses(o) },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'SR-IOV Fleet Manager API', version: '1', description: 'Changes to hosts are operations: they answer 202 and are followed at /api/operations/{id}. Errors answer one envelope: { error: { code, message, issues? } }.' },
    servers: [{ url: '/' }],
    components: {
      schemas: { Error: ERROR_BODY },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sfm_session' }, token: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ session: [] }, { token: [] }],
    paths,
  };
}
