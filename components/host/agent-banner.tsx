'use client';

import { Button, ErrorNote } from '@/components/ui/button';
import { Spinner, timeAgo, utcTime } from '@/components/ui/status';
import { usePowerHost } from '@/hooks/use-host';
import { isActive, type HostView } from '@/lib/inventory/host-view';
import type { OperationView } from '@/lib/operations/kinds';

/** Shown when the agent is not reporting (or the last sync failed): what is known, and what an admin can do through the iLO. */
export function AgentBanner({ host, operations, canPower, rebooting }: { host: HostView; operations: readonly OperationView[]; canPower: boolean; rebooting: boolean }) {
  const power = usePowerHost(host.id);
  const offline = host.agentStatus === 'offline' || host.agentStatus === 'never-seen';
  if (!offline && !host.lastSyncError) return null;

  const poweringOn = operations.find((op) => op.kind === 'power-on' && isActive(op));
  const title = rebooting && offline ? 'The host is restarting' : host.agentStatus === 'never-seen' ? 'The agent has never reported' : offline ? 'The agent is offline' : 'The last sync failed';
  return (
    <section aria-label={title} className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="space-y-1">
          <h2 className="font-semibold">⚠ {title}</h2>
          {rebooting && offline && <p>The page follows it through the iLO until its agent reports again.</p>}
          {offline && !rebooting && (
            <p>
              {host.lastSeenAt ? (
                <>
                  Last seen {utcTime(host.lastSeenAt)} (<span suppressHydrationWarning>{timeAgo(new Date(host.lastSeenAt))}</span>). What this page shows is from then; changes wait until it reports again.
                </>
              ) : (
                'No report yet: check that the agent runs on the host and that its URL and token are right.'
              )}
            </p>
          )}
          <dl className="flex flex-wrap gap-x-6 gap-y-1">
            {host.lastSyncError && (
              <div className="flex gap-1.5">
                <dt className="text-amber-800">Last sync error</dt>
                <dd className="font-mono text-xs leading-5">{host.lastSyncError}</dd>
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
