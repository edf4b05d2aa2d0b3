import { NextResponse } from 'next/server';
import { route } from '@/lib/auth/guard';
import { openApiDocument } from '@/lib/openapi/operations';

/** The API described in OpenAPI 3.1; public, as it holds no data (proxy.ts lets every /api/ path through). */
export const GET = route('public', async () => NextResponse.json(openApiDocument()));
