// Server power through the iLO. A reset is what applies pending BIOS settings; resetting the
// iLO itself applies nothing.

import type { RedfishClient } from './client';
import { IloRefusedError, IloUnsupportedError, type RedfishMessage } from './errors';
import { describeMessage } from './oem/hpe';
import { loadSystem } from './system';

export type RestartKind = 'ForceRestart' | 'GracefulRestart';

export interface PowerStatus {
  powerState: string | null;
  allowedResetTypes: string[];
}

async function resetAction(client: RedfishClient): Promise<{ target: string; allowed: string[]; powerState: string | null }> {
  const { system } = await loadSystem(client);
  const action = system.resetAction;
  if (!action) throw new IloUnsupportedError(`The iLO at ${client.url.host} offers no ComputerSystem.Reset action`);
  return { target: action.target, allowed: action.allowedValues, powerState: system.PowerState ?? null };
}

export async function readPower(client: RedfishClient): Promise<PowerStatus> {
  const { allowed, powerState } = await resetAction(client);
  return { powerState, allowedResetTypes: allowed };
}

async function postReset(client: RedfishClient, target: string, resetType: string, allowed: readonly string[]): Promise<RedfishMessage[]> {
  if (allowed.length > 0 && !allowed.includes(resetType)) {
    throw new IloRefusedError(`The iLO at ${client.url.host} does not offer ${resetType}; it allows ${allowed.join(', ')}`);
  }
  try {
    return (await client.post(target, { ResetType: resetType })).messages;
  } catch (error) {
    if (error instanceof IloRefusedError && error.messages.some((m) => m.key === 'InvalidOperationForSystemState')) {
      const reason = error.messages.map(describeMessage).join('; ');
      const hint = resetType.endsWith('Restart') ? ' Power the server on instead; pending BIOS settings apply at that boot.' : '';
      throw new IloRefusedError(`The iLO at ${client.url.host} refused ${resetType}: ${reason}.${hint}`, { status: error.status, messages: error.messages });
    }
    throw error;
  }
}

/**
 * Restarts the server so that pending BIOS settings apply. GracefulRestart (asks the OS) is used
 * when requested and offered; iLO 4 offers only ForceRestart, which is used there.
 */
export async function resetServer(client: RedfishClient, kind: RestartKind = 'GracefulRestart'): Promise<{ resetType: RestartKind; messages: RedfishMessage[] }> {
  const { target, allowed } = await resetAction(client);
  const resetType: RestartKind = kind === 'GracefulRestart' && allowed.length > 0 && !allowed.includes('GracefulRestart') ? 'ForceRestart' : kind;
  const messages = await postReset(client, target, resetType, allowed);
  return { resetType, messages };
}

export async function powerOn(client: RedfishClient): Promise<{ messages: RedfishMessage[] }> {
  const { target, allowed } = await resetAction(client);
  return { messages: await postReset(client, target, 'On', allowed) };
}

export async function powerOff(client: RedfishClient, kind: 'ForceOff' | 'GracefulShutdown' = 'GracefulShutdown'): Promise<{ messages: RedfishMessage[] }> {
  const { target, allowed } = await resetAction(client);
  const resetType = kind === 'GracefulShutdown' && allowed.length > 0 && !allowed.includes(kind) ? 'ForceOff' : kind;
  return { messages: await postReset(client, target, resetType, allowed) };
}
