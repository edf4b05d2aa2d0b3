import { NextResponse } from 'next/server';
import { z } from 'zod';
import { route } from '@/lib/auth/guard';
import { prisma } from '@/lib/db/client';
import { parseJsonBody } from '@/lib/http';
import { selectorSchema } from '@/lib/policies/selector';
import { previewSelector } from '@/lib/policies/service';

const previewSchema = z.strictObject({ selector: selectorSchema });

/** How many hosts a selector matches, and the first of them: the policy form's live count. Reads only. */
export const POST = route('inventory:read', async (request) => {
  const body = await parseJsonBody(previewSchema, request);
  if (!body.ok) return body.response;
  return NextResponse.json(await previewSelector(prisma, body.data.selector));
}, { body: true });
