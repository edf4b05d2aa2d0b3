'use client';

import { Button, ErrorNote } from '@/components/ui/button';
import { Spinner, timeAgo, utcTime } from '@/components/ui/status';
import { usePowerHost } from '@/hooks/use-host';
import { useNow } from '@/hooks/use-now';
import { formatDuration, isActive, restartClock, restartInProgress, type HostView } from '@/lib/inventory/host-view';
import type { OperationView } from '@/lib/operations/kinds';

/**
 * Shown while the host restarts, and when the agent is not reporting (or the last sync failed):
 * what is known, since when, and what an admin can do through the iLO.
 */
export function AgentBanner({ host, operations, canPower }: { host: HostView; operations: readonly OperationView[]; canPower: boolean }) {
  const power = usePowerHost(host.id);
  const offline = host.agentStatus === 'offline' || host.agentStatus === 'never-seen';
  const restart = restartInProgress(host, operations);
  const now = useNow(1_000, restart !== null);
  if (!offline && !host.lastSyncError && !restart) return null;

  const poweringOn = operations.find((op) => op.kind === 'power-on' && isActive(op));
  const clock = restart ? restartClock(restart, host.typicalReset, now) : null;
  const title = restart
    ? restart.kind === 'power-on'
      ? 'The host is powering on'
      : restart.startedAt
        ? 'The host is restarting'
        : 'A reboot is queued'
    : host.agentStatus === 'never-seen'
      ? 'The agent has never reported'
      : offline
        ? 'The agent is offline'
        : 'The last sync failed';
  return (
    <section aria-label={title} className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <h2 className="font-semibold">⚠ {title}</h2>
          {clock && (
            <p>
              {clock.startedAt ? (
                <>
                  Started {utcTime(clock.startedAt, { seconds: true })};{' '}
                  <span className="font-semibold" suppressHydrationWarning>
                    {restart?.kind === 'power-on' ? 'booting' : 'restarting'} for {formatDuration(clock.elapsedMs ?? 0)}
                  </span>
                  ; {clock.usually}.{clock.late && <strong> This is much longer than usual: check the server’s console through the iLO.</strong>}
                </>
              ) : (
                'It starts once the changes before it are made; the page follows the host through the iLO until its agent reports again.'
              )}
            </p>
          )}
          {(restart || offline) && host.observedAt && (
            <p>
              What this page shows of the host (its operating system, VMs and VFs) was read {utcTime(host.observedAt, { seconds: true })} (<span suppressHydrationWarning>{timeAgo(new Date(host.observedAt), now)}</span>) and is marked
              “last known”; changes wait until the agent reports again.
            </p>
          )}
          {offline && !restart && !host.observedAt && <p>No report yet: check that the agent runs on the host and that its URL and token are right.</p>}
          <dl className="flex flex-wrap gap-x-6 gap-y-1">
            {host.lastSyncError && (
              <div className="flex gap-1.5">
                <dt className="text-amber-800">Last sync error</dt>
                <dd className="font-mono text-xs leading-5">{host.lastSyncError}</dd>
              </div>
            )}
            {host.lastSeenAt && offline && (
              <div className="flex gap-1.5">
                <dt className="text-amber-800">Agent last seen</dt>
                <dd>{utcTime(host.lastSeenAt, { seconds: true })}</dd>
              </div>
            )}
            <div className="flex gap-1.5">
              <dt className="text-amber-800">iLO power state</dt>
              <dd className="font-medium">{host.powerState ?? 'unknown'}</dd>
            </div>
          </dl>
        </div>
        {canPower && host.powerState === 'Off' && (
          <Button variant="primary" onClick={() => power.mutate({ action: 'on' })} disabled={power.isPending || Boolean(poweringOn)}>
            {(power.isPending || poweringOn) && <Spinner />}
            {poweringOn ? (poweringOn.progress ?? 'Powering on…') : 'Power on through iLO'}
          </Button>
        )}
      </div>
      {power.error && <ErrorNote>{power.error.message}</ErrorNote>}
    </section>
  );
}
