import { AgentError } from '../errors';

/**
 * One change at a time per PF: a VF count change tears down every VF, so nothing else on that PF
 * may run meanwhile. A second caller waits up to `waitMs`, then gets 409 `busy`.
 */
export class PfLocks {
  private readonly held = new Map<string, Promise<void>>();

  constructor(private readonly waitMs = 0) {}

  async run<T>(pf: string, what: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const current = this.held.get(pf);
      if (!current) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new AgentError('busy', `another change on PF ${pf} is in progress; retry when it is done (${what} not started)`);
      await Promise.race([current, new Promise((resolve) => setTimeout(resolve, left))]);
    }
    let release!: () => void;
    this.held.set(pf, new Promise<void>((resolve) => (release = resolve)));
    try {
      return await fn();
    } finally {
      this.held.delete(pf);
      release();
    }
  }
}
