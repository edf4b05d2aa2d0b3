// Liveness for load balancers and process supervisors: the process is up and serves requests.
// It asks nothing else (no database, no session), so a slow dependency never gets the process
// restarted; /readyz says whether it can do its work.

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
