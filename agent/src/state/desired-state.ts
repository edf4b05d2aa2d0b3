import path from 'node:path';
import type { DesiredPf, DesiredState, DesiredVf } from '../api-types';
import type { LogFn } from '../agent';
import type { EtcFiles } from '../os/host-os';
import { AgentError, errnoOf } from '../errors';
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
    const next = this.get();
    const previous = next.pfs[pf];
    const vfs: Record<string, DesiredVf> = {};
    if (previous && previous.numVfs === numVfs) Object.assign(vfs, previous.vfs);
    next.pfs[pf] = { numVfs, vfs };
    await this.save(next, `${numVfs} VFs on ${pf}`);
  }

  async recordVf(pf: string, pfNumVfs: number, index: number, settings: DesiredVf): Promise<void> {
    const next = this.get();
    const entry: DesiredPf = next.pfs[pf] ?? { numVfs: pfNumVfs, vfs: {} };
    entry.vfs[String(index)] = { ...entry.vfs[String(index)], ...settings };
    next.pfs[pf] = entry;
    await this.save(next, `the settings of VF ${index} of ${pf}`);
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

  /**
   * Written first, kept in memory only once the file holds it: a full disk leaves the file and
   * this store as they were, and the caller is told the change will not survive a reboot.
   */
  private async save(next: DesiredState, what: string): Promise<void> {
    next.updatedAt = new Date().toISOString();
    try {
      await this.etc.write(this.file, `${JSON.stringify(next, null, 2)}\n`);
    } catch (err) {
      const errno = errnoOf(err);
      throw new AgentError('not-saved', `${what} took effect, but ${this.file} could not be written (${err instanceof Error ? err.message : String(err)}): it will not be re-applied after a reboot. Free the disk and repeat the change.`, errno ? { errno } : {});
    }
    this.state = next;
  }
}
