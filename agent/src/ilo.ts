// The agent's iLO operations (GET/PATCH /v1/bios, POST /v1/power/reset; `bios`, `power` on the
// CLI) load the Redfish client on first use and turn its failures into AgentErrors.

import type { IloErrorCode } from './api-types';
import { AgentError } from './errors';
import type * as Redfish from './redfish/index';

export type RedfishModule = typeof Redfish;

// Only a type import above, and the import below runs on the first iLO command or request: the
// client would otherwise cost every agent memory (the budget is 60 MB), and most
// agents never talk to an iLO. In the bundle, build.mjs (lazyRedfishPlugin) puts the client in
// compressed and compiles it here; agent/README.md "Footprint" has the figures.
let loading: Promise<RedfishModule> | undefined;

function loadRedfish(): Promise<RedfishModule> {
  loading ??= import('./redfish/index');
  return loading;
}

/** Runs an iLO operation; bad input becomes 400 and every iLO failure its own 4xx/5xx, never a 500. */
export async function withRedfish<T>(run: (redfish: RedfishModule) => Promise<T>): Promise<T> {
  const redfish = await loadRedfish();
  try {
    return await run(redfish);
  } catch (err) {
    throw toAgentError(err, redfish);
  }
}

function toAgentError(err: unknown, redfish: RedfishModule): unknown {
  if (err instanceof redfish.IloRequestError) return new AgentError('bad-request', err.message, err.issues.length > 0 ? { issues: err.issues } : {});
  if (!(err instanceof redfish.RedfishError)) return err;
  const { error } = redfish.redfishErrorResponse(err).body;
  return new AgentError(error.code, error.message, {
    ...(error.issues ? { issues: error.issues } : {}),
    ilo: {
      code: error.iloCode,
      ...(error.messageId ? { messageId: error.messageId } : {}),
      ...(error.presentedFingerprint256 ? { presentedFingerprint256: error.presentedFingerprint256 } : {}),
    },
  });
}

// api-types.ts has no imports, so it spells the Redfish client's codes out; this keeps them equal.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _iloCodesMatch: Same<Redfish.RedfishErrorCode, IloErrorCode> = true;
