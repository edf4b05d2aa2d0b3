import { route } from '@/lib/auth/guard';
import { getFleetSummary } from '@/lib/inventory/service';
import { NextResponse } from 'next/server';

// A query is refused by the guard: this endpoint takes none.
export const GET = route('inventory:read', async () => NextResponse.json(await getFleetSummary()));
