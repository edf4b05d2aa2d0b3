import { refusalReason, type Action, type Role } from '@/lib/auth/permissions';

/** What a page shows a signed-in user whose role may not use it; the API refuses the same with 403. */
export function Refusal({ role, action }: { role: Role; action: Action }) {
  return (
    <p role="alert" className="mx-auto max-w-lg rounded-lg border border-amber-300 bg-amber-50 p-6 text-sm text-amber-950">
      {refusalReason(role, action)}
    </p>
  );
}
