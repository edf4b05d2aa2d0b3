// Runs once when the server starts: creates the first admin from FLEET_ADMIN_USER and
// FLEET_ADMIN_PASSWORD when the inventory has no user yet, then starts the agent poller and the
// operations worker (lib/background.ts).

export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { bootstrapAdminFromEnv } = await import('@/lib/auth/users');
  const created = await bootstrapAdminFromEnv();
  if (created) console.log(`Created the first admin "${created}" from FLEET_ADMIN_USER.`);
  const { startBackground } = await import('@/lib/background');
  startBackground();
}
