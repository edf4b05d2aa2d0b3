import path from 'node:path';
import type { DesiredPf, DesiredState, DesiredVf } from '../api-types';
import type { LogFn } from '../agent';
import type { EtcFiles } from '../os/host-os';
import { desiredStateFile, parseInput } from '../validation';

export function emptyDesiredState(): DesiredState {
  return { version: 1, updatedAt: null, pfs: {} };
}

/**
 * The last settings the server pushed, per PF and VF, so they can be re-applied after a reboot
 * (VFs never survive one). A cache of the server's truth, not a truth of its own.
 */
export class DesiredStateStore {
  private state: DesiredState;
  private readonly file: string;

  constructor(
    private readonly etc: EtcFiles,
    stateDir: string,
    private readonly log: LogFn,
  ) {
    this.file = path.join(stateDir, 'desired-state.json');
    this.state = this.load();
  }

  get(): DesiredState {
    return structuredClone(this.state);
  }

  /** A new VF count forgets the VF settings: they belonged to VFs that no longer exist. */
  async recordNumVfs(pf: string, numVfs: number): Promise<void> {
    const previous = this.state.pfs[pf];
    const vfs: Record<string, DesiredVf> = {};
    if (previous && previous.numVfs === numVfs) Object.assign(vfs, previous.vfs);
    this.state.pfs[pf] = { numVfs, vfs };
    await this.save();
  }

  async recordVf(pf: string, pfNumVfs: number, index: number, settings: DesiredVf): Promise<void> {
    const entry: DesiredPf = this.state.pfs[pf] ?? { numVfs: pfNumVfs, vfs: {} };
    entry.vfs[String(index)] = { ...entry.vfs[String(index)], ...settings };
    this.state.pfs[pf] = entry;
    await this.save();
  }

  private load(): DesiredState {
    const raw = this.etc.read(this.file);
    if (raw === null) return emptyDesiredState();
    try {
      return parseInput(desiredStateFile, JSON.parse(raw), this.file);
    } catch (err) {
      this.log('warn', `ignoring unreadable ${this.file}; nothing to re-apply until the server pushes again`, { error: err instanceof Error ? err.message : String(err) });
      return emptyDesiredState();
    }
  }

  private async save(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    await this.etc.write(this.file, `${JSON.stringify(this.state, null, 2)}\n`);
  }
}
