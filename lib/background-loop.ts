// The worker and the rollout driver run the same way: a pass now, then one every pollMs and
// whenever a request signals there is work; never two passes at once (a signal during a pass
// runs one more right after it). Route handlers and the loops may sit in different bundles of
// the Next server (instrumentation and app routes are compiled separately), so the wake-up goes
// through globalThis; a missed signal only costs one poll interval. The same goes for the
// heartbeat /readyz reads to tell that the loop runs and is not stuck in a pass.

import 'server-only';
import { requestContext } from '../server/log.mjs';

type Holder = Record<symbol, (() => void) | undefined>;
const channelKey = (channel: string) => Symbol.for(`sriov-fleet.${channel}.wake`);

export interface Heartbeat {
  pollMs: number;
  startedAt: number;
  /** When the pass under way began; null between passes. */
  passStartedAt: number | null;
  lastPassEndedAt: number | null;
}

type HeartbeatHolder = Record<symbol, Heartbeat | undefined>;
const heartbeatKey = (channel: string) => Symbol.for(`sriov-fleet.${channel}.heartbeat`);

/** The heartbeat of the loop running on `channel` in this process; null when none runs. */
export function heartbeat(channel: string): Heartbeat | null {
  const beat = (globalThis as HeartbeatHolder)[heartbeatKey(channel)];
  return beat ? { ...beat } : null;
}

/**
 * Wakes the loop listening on `channel`, if one runs in this process. The pass runs outside the
 * request that signalled (its log lines name operations, not that request: the request's own
 * lines name the operations it queued).
 */
export function wake(channel: string): void {
  const kick = (globalThis as Holder)[channelKey(channel)];
  if (kick) requestContext.exit(kick);
}

export interface BackgroundLoop {
  kick(): void;
  stopped(): boolean;
  /** The pass under way, if any. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

export function startBackgroundLoop(
  channel: string,
  pass: (stopped: () => boolean) => Promise<void>,
  options: { pollMs: number; onError: (error: unknown) => void },
): BackgroundLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let passing: Promise<void> | null = null;
  let again = false;
  const isStopped = () => stopped;
  const beat: Heartbeat = { pollMs: options.pollMs, startedAt: Date.now(), passStartedAt: null, lastPassEndedAt: null };

  const kick = (): void => {
    if (stopped) return;
    if (passing) {
      again = true;
      return;
    }
    beat.passStartedAt = Date.now();
    passing = pass(isStopped)
      .catch(options.onError)
      .finally(() => {
        passing = null;
        beat.passStartedAt = null;
        beat.lastPassEndedAt = Date.now();
        if (again) {
          again = false;
          kick();
        }
      });
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      kick();
      schedule();
    }, options.pollMs);
  };
  (globalThis as Holder)[channelKey(channel)] = kick;
  (globalThis as HeartbeatHolder)[heartbeatKey(channel)] = beat;
  kick();
  schedule();

  return {
    kick,
    stopped: isStopped,
    settled: async () => void (await passing),
    async stop() {
      stopped = true;
      (globalThis as Holder)[channelKey(channel)] = undefined;
      const beats = globalThis as HeartbeatHolder;
      if (beats[heartbeatKey(channel)] === beat) beats[heartbeatKey(channel)] = undefined;
      if (timer) clearTimeout(timer);
      await passing;
    },
  };
}
