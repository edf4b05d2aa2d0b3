import { rolloutAction } from '@/lib/rollouts/respond';

export const POST = rolloutAction('cancel');
