import Link from 'next/link';
import { ACTION_WORDS, ACTIONS, type Action, type Role } from '@/lib/auth/permissions';

const article = (word: string) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);

/**
 * What a page shows a signed-in user whose role may not use it, in words and with a way on; the
 * API refuses the same with 403 (and names the permission, for scripts).
 */
export function Refusal({ name, role, action }: { name: string; role: Role; action: Action }) {
  const allowed = ACTIONS[action] as readonly Role[];
  const who = allowed.map(article).join(' or ');
  return (
    <section role="alert" aria-labelledby="refusal-title" className="mx-auto mt-10 max-w-xl space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-6 text-sm text-amber-950">
      <h1 id="refusal-title" className="text-lg font-semibold">
        Only {who} may {ACTION_WORDS[action]}
      </h1>
      <p>
        You are signed in as <strong>{name}</strong>, {article(role)}: {article(role)} may not {ACTION_WORDS[action]}. If your work needs it, ask an admin to give you the {allowed.join(' or ')} role (under
        Users and tokens).
      </p>
      <p className="flex flex-wrap gap-x-4 gap-y-1">
        <Link href="/" className="font-medium text-sky-800 underline-offset-2 hover:underline">
          ← Back to the fleet
        </Link>
        <Link href="/reports" className="font-medium text-sky-800 underline-offset-2 hover:underline">
          Reports
        </Link>
      </p>
    </section>
  );
}
