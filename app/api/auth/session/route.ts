import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';

/** Who is signed in, and the CSRF token the browser sends back on changes. */
export const GET = route('signed-in', async (_request, _ctx, principal) =>
  NextResponse.json({ user: { name: principal.name, role: principal.role, kind: principal.kind }, csrfToken: principal.csrfToken ?? null }),
);
