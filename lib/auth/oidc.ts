// Single sign-on with an OpenID Connect identity provider (Keycloak, Entra ID, Okta, …): the
// authorization code flow with PKCE (openid-client), company groups mapped to viewer / operator /
// admin, read again at every sign-in. Local users stay for break-glass access. A person is known
// by the provider's issuer and subject, never by a name the provider may reuse.
//
// Settings (checked at start, lib/auth/oidc.ts oidcSettingsProblem; unset OIDC_ISSUER: off):
//   OIDC_ISSUER               the provider's issuer URL (https)
//   OIDC_CLIENT_ID            this dashboard's client id at the provider
//   OIDC_CLIENT_SECRET(_FILE) its client secret (a secret: never logged, never answered)
//   OIDC_ADMIN_GROUPS, OIDC_OPERATOR_GROUPS, OIDC_VIEWER_GROUPS
//                             comma-separated group names (or ids: Entra sends object ids); the
//                             highest role any of a person's groups maps to is theirs
//   OIDC_GROUPS_CLAIM         the claim carrying the groups (default "groups")
//   OIDC_NAME                 what the sign-in button says: "Sign in with <OIDC_NAME>"
//   OIDC_SCOPES               default "openid profile email"
//   OIDC_CA_FILE              a PEM file of CAs to trust for the provider (an internal CA)

import 'server-only';
import fs from 'node:fs';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { ROLES, type Role } from './permissions';
import { sealTransient, unsealTransient } from './session';

export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  name: string;
  groupsClaim: string;
  scopes: string;
  /** Group → role; a person gets the highest role of their groups. */
  groups: Record<Role, string[]>;
  ca: string | null;
}

type Read = { ok: true; settings: OidcSettings | null } | { ok: false; problem: string };

const list = (raw: string | undefined) => (raw ?? '').split(',').map((g) => g.trim()).filter(Boolean);

function read(env: NodeJS.ProcessEnv): Read {
  const issuerText = env.OIDC_ISSUER?.trim();
  if (!issuerText) {
    const stray = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_CLIENT_SECRET_FILE', 'OIDC_ADMIN_GROUPS', 'OIDC_OPERATOR_GROUPS', 'OIDC_VIEWER_GROUPS'].find((k) => env[k]);
    return stray ? { ok: false, problem: `${stray} is set but OIDC_ISSUER is not: set the identity provider's issuer URL, or unset the OIDC_* settings` } : { ok: true, settings: null };
  }
  let issuer: URL;
  try {
    issuer = new URL(issuerText);
  } catch {
    return { ok: false, problem: `OIDC_ISSUER must be the identity provider's issuer URL, like https://sso.example.com/realms/ops, not "${issuerText}"` };
  }
  if (issuer.protocol !== 'https:') return { ok: false, problem: `OIDC_ISSUER must be an https:// URL (openid-client refuses plain HTTP), not "${issuerText}"` };
  const clientId = env.OIDC_CLIENT_ID?.trim();
  if (!clientId) return { ok: false, problem: 'OIDC_CLIENT_ID must be set: the client id the identity provider gave this dashboard' };
  let clientSecret = env.OIDC_CLIENT_SECRET ?? '';
  if (!clientSecret && env.OIDC_CLIENT_SECRET_FILE) {
    try {
      clientSecret = fs.readFileSync(env.OIDC_CLIENT_SECRET_FILE, 'utf8').trim();
    } catch (error) {
      return { ok: false, problem: `OIDC_CLIENT_SECRET_FILE ${env.OIDC_CLIENT_SECRET_FILE} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
  }
  if (!clientSecret) return { ok: false, problem: 'OIDC_CLIENT_SECRET (or OIDC_CLIENT_SECRET_FILE) must be set: the client secret the identity provider gave this dashboard' };
  const groups = { viewer: list(env.OIDC_VIEWER_GROUPS), operator: list(env.OIDC_OPERATOR_GROUPS), admin: list(env.OIDC_ADMIN_GROUPS) };
  if (ROLES.every((role) => groups[role].length === 0)) {
    return { ok: false, problem: 'OIDC_ADMIN_GROUPS, OIDC_OPERATOR_GROUPS or OIDC_VIEWER_GROUPS must name at least one group: nobody could sign in through the identity provider otherwise' };
  }
  let ca: string | null = null;
  if (env.OIDC_CA_FILE) {
    try {
      ca = fs.readFileSync(env.OIDC_CA_FILE, 'utf8');
    } catch (error) {
      return { ok: false, problem: `OIDC_CA_FILE ${env.OIDC_CA_FILE} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) return { ok: false, problem: `OIDC_CA_FILE ${env.OIDC_CA_FILE} holds no PEM certificate` };
  }
  return {
    ok: true,
    settings: {
      issuer,
      clientId,
      clientSecret,
      name: env.OIDC_NAME?.trim() || 'single sign-on',
      groupsClaim: env.OIDC_GROUPS_CLAIM?.trim() || 'groups',
      scopes: env.OIDC_SCOPES?.trim() || 'openid profile email',
      groups,
      ca,
    },
  };
}

/** What is wrong with the OIDC_* settings, in one line naming the setting; null when they are right or unset. */
export function oidcSettingsProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const result = read(env);
  return result.ok ? null : result.problem;
}

/** The settings, or null when single sign-on is off (or misconfigured: the server refused to start then). */
export function oidcSettings(env: NodeJS.ProcessEnv = process.env): OidcSettings | null {
  const result = read(env);
  return result.ok ? result.settings : null;
}

/** The highest role any of these groups maps to; null when none does. */
export function roleForGroups(settings: Pick<OidcSettings, 'groups'>, groups: readonly string[]): Role | null {
  for (const role of [...ROLES].reverse()) if (settings.groups[role].some((g) => groups.includes(g))) return role;
  return null;
}

/** A claim's groups: an array of names, or one name. */
export function groupsOf(claims: Record<string, unknown> | undefined, claim: string): string[] | null {
  const value = claims?.[claim];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  if (typeof value === 'string') return [value];
  return null;
}

const configurations = new Map<string, Promise<client.Configuration>>();

/** The provider's metadata, discovered once per process (again after a failure). */
export function oidcConfiguration(settings: OidcSettings): Promise<client.Configuration> {
  const key = `${settings.issuer.href}|${settings.clientId}`;
  let found = configurations.get(key);
  if (!found) {
    const dispatcher = settings.ca ? new Agent({ connect: { ca: settings.ca } }) : undefined;
    const viaCa: client.CustomFetch | undefined = dispatcher
      ? (url, options) => undiciFetch(url, { ...(options as Parameters<typeof undiciFetch>[1]), dispatcher }) as unknown as Promise<Response>
      : undefined;
    found = client
      .discovery(settings.issuer, settings.clientId, settings.clientSecret, undefined, { ...(viaCa && { [client.customFetch]: viaCa }), timeout: 10 })
      .then((config) => {
        if (viaCa) config[client.customFetch] = viaCa;
        return config;
      });
    found.catch(() => configurations.delete(key));
    configurations.set(key, found);
  }
  return found;
}

/** The cookie carrying a sign-in's PKCE verifier, state and nonce (sealed) from start to callback. */
export const OIDC_COOKIE = 'sfm_oidc';
export const OIDC_TRANSACTION_SECONDS = 600;
const SEALED_FOR = 'oidc sign-in';

interface Transaction {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
  redirectUri: string;
}

/** A path on this dashboard to land on after signing in; anything else lands on the fleet. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** The identity provider's sign-in page for this browser, and the sealed state the callback checks. */
export async function beginSignIn(settings: OidcSettings, redirectUri: string, next: string | null): Promise<{ url: URL; sealed: string }> {
  const config = await oidcConfiguration(settings);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: settings.scopes,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const transaction: Transaction = { verifier, state, nonce, next: safeNext(next), redirectUri };
  return { url, sealed: await sealTransient(SEALED_FOR, { ...transaction }, OIDC_TRANSACTION_SECONDS) };
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** preferred_username, else email, else the subject: the user name to give a new user. */
  preferredName: string;
  displayName: string | null;
  groups: string[];
  role: Role;
}

export type SignInOutcome =
  | { ok: true; identity: OidcIdentity; next: string }
  | { ok: false; status: 400 | 401 | 403 | 502; reason: string; who: string | null };

const unreachable = (error: unknown) => {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'UND_ERR_CONNECT_TIMEOUT'].includes(String((e as { code?: unknown }).code))) return true;
  }
  return false;
};

/** Checks the provider's answer against the sealed state (state, nonce, PKCE) and reads who signed in and their role. */
export async function finishSignIn(settings: OidcSettings, sealed: string | undefined, search: URLSearchParams): Promise<SignInOutcome> {
  const transaction = sealed ? await unsealTransient<Transaction>(SEALED_FOR, sealed, OIDC_TRANSACTION_SECONDS) : null;
  if (!transaction?.verifier || !transaction.state || !transaction.nonce || !transaction.redirectUri) {
    return { ok: false, status: 400, reason: 'This sign-in was started more than 10 minutes ago, or in another browser: start it again.', who: null };
  }
  const refused = search.get('error');
  if (refused) return { ok: false, status: 401, reason: `The identity provider did not sign you in: ${search.get('error_description') ?? refused}.`, who: null };
  let config: client.Configuration;
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    config = await oidcConfiguration(settings);
    tokens = await client.authorizationCodeGrant(config, new URL(`${transaction.redirectUri}?${search.toString()}`), {
      pkceCodeVerifier: transaction.verifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    if (unreachable(error)) return { ok: false, status: 502, reason: `The identity provider at ${settings.issuer.host} did not answer: try again in a moment.`, who: null };
    return { ok: false, status: 401, reason: `The identity provider's answer did not check out (${error instanceof Error ? error.message : String(error)}): start the sign-in again.`, who: null };
  }
  const claims = tokens.claims();
  if (!claims) return { ok: false, status: 401, reason: 'The identity provider sent no ID token: start the sign-in again.', who: null };
  const preferredName = [claims.preferred_username, claims.email, claims.sub].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 100) ?? claims.sub;
  let groups = groupsOf(claims, settings.groupsClaim);
  if (!groups) {
    // Some providers leave groups out of the ID token (size limits) and answer them at UserInfo.
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub).catch(() => undefined);
    groups = groupsOf(info, settings.groupsClaim) ?? [];
  }
  const role = roleForGroups(settings, groups);
  if (!role) {
    return {
      ok: false,
      status: 403,
      reason: `None of your groups (${groups.length ? groups.join(', ') : 'the identity provider sent none'}) gives a role on this dashboard: ask an admin to map one in OIDC_VIEWER_GROUPS, OIDC_OPERATOR_GROUPS or OIDC_ADMIN_GROUPS.`,
      who: preferredName,
    };
  }
  const displayName = typeof claims.name === 'string' && claims.name.length <= 200 ? claims.name : null;
  return { ok: true, identity: { issuer: String(claims.iss), subject: claims.sub, preferredName, displayName, groups, role }, next: safeNext(transaction.next) };
}
