// Starting or steering a rollout wakes the driver at once rather than at its next tick.

let listener: (() => void) | undefined;

export function onRolloutSignal(fn: (() => void) | undefined): void {
  listener = fn;
}

export function kickRollouts(): void {
  listener?.();
}
