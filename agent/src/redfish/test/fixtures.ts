// Shared set-up for the Redfish tests: simulated iLOs on loopback ports, one certificate per
// test file (generating one per iLO would only cost time), clients pinned to it.

import { createIloCertificate, startIloSimulator, type IloSimulator, type IloSimulatorOptions, type SimCertificate } from '../../sim/ilo/index';
import type { IloConnectionOptions } from '../client';

let shared: Promise<SimCertificate> | null = null;

export function sharedCertificate(): Promise<SimCertificate> {
  shared ??= createIloCertificate({ commonName: 'ILOSIMTEST' });
  return shared;
}

export async function startSim(options: IloSimulatorOptions = {}): Promise<IloSimulator> {
  return startIloSimulator({ certificate: await sharedCertificate(), ...options });
}

/** Fast retries so that 503 bursts cost milliseconds. */
export const FAST_RETRY = { attempts: 4, baseDelayMs: 2, maxDelayMs: 20 };

export function pinnedOptions(sim: IloSimulator, overrides: Partial<IloConnectionOptions> = {}): IloConnectionOptions {
  return {
    url: sim.url,
    username: sim.username,
    password: sim.password,
    trust: { kind: 'fingerprint', sha256: sim.certificate.fingerprint256 },
    retry: FAST_RETRY,
    timeoutMs: 5_000,
    connectTimeoutMs: 2_000,
    ...overrides,
  };
}
