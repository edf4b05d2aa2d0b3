// Runs once when the server starts: creates the first admin from FLEET_ADMIN_USER and
// FLEET_ADMIN_PASSWORD when the inventory has no user yet, brings the hosts' stored fleet figures
// up to date, then starts the agent poller and the operations worker (lib/background.ts).

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Refusals before anything runs: another key than the other replicas', a second server on SQLite.
  const [{ prisma: db }, { secretsKeyProblem }, { replicaStartProblem }, { env }] = await Promise.all([
    import('@/lib/db/client'),
    import('@/lib/crypto/key-check'),
    import('@/lib/operations/replicas'),
    import('@/lib/env'),
  ]);
  const { log } = await import('@/lib/log');
  const { oidcSettingsProblem } = await import('@/lib/auth/oidc');
  const problem = oidcSettingsProblem() ?? (await secretsKeyProblem(db)) ?? (env.backgroundEnabled ? await replicaStartProblem(db) : null);
  if (problem) {
    console.error(`✕ ${problem}`);
    process.exit(2);
  }
  const { bootstrapAdminFromEnv } = await import('@/lib/auth/users');
  const created = await bootstrapAdminFromEnv();
  if (created) log.info({ user: created }, `Created the first admin "${created}" from FLEET_ADMIN_USER.`);
  // Hosts whose fleet figures older rules computed (or none yet, right after the migration that
  // added them) get them recomputed before the fleet page reads them.
  const [{ prisma }, { refreshStaleFleetFacts }] = await Promise.all([import('@/lib/db/client'), import('@/lib/inventory/fleet-facts')]);
  const refreshed = await refreshStaleFleetFacts(prisma);
  if (refreshed > 0) log.info({ hosts: refreshed }, `Recomputed the fleet figures of ${refreshed} hosts.`);
  const { startBackground } = await import('@/lib/background');
  startBackground();
}
