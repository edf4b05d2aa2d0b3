// Route handlers and the worker may sit in different bundles of the Next server (instrumentation
// and app routes are compiled separately), so the wake-up goes through globalThis. The worker
// also polls, so a missed signal only costs its poll interval.

import 'server-only';

const KEY = Symbol.for('sriov-fleet.operations.wake');
type Holder = { [KEY]?: () => void };

export function onWorkerSignal(wake: (() => void) | undefined): void {
  (globalThis as Holder)[KEY] = wake;
}

export function notifyWorker(): void {
  (globalThis as Holder)[KEY]?.();
}
