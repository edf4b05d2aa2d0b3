'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useSession } from '@/hooks/use-session';
import { apiSend, ApiError } from '@/lib/api-client';

const field = 'mt-1 block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm font-normal shadow-xs';

function Field({ label, name, hint, ...input }: { label: string; name: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label className="block text-sm font-medium text-slate-700">
      {label}
      <input name={name} className={field} {...input} />
      {hint && <span className="mt-0.5 block text-xs font-normal text-slate-500">{hint}</span>}
    </label>
  );
}

export function RegisterHostForm() {
  const session = useSession();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const f = new FormData(event.currentTarget);
    const text = (name: string) => String(f.get(name) ?? '').trim();
    const agentCert = text('agentCertSha256');
    setBusy(true);
    setError(null);
    try {
      const { host } = await apiSend<{ host: { id: string } }>(
        'POST',
        '/api/hosts',
        {
          name: text('name'),
          agent: { url: text('agentUrl'), token: text('agentToken'), ...(agentCert ? { certSha256: agentCert } : {}) },
          ilo: { address: text('iloAddress'), userName: text('iloUser'), password: String(f.get('iloPassword') ?? ''), certSha256: text('iloCertSha256') },
        },
        session?.csrfToken ?? null,
      );
      router.push(`/hosts/${host.id}`);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Registration failed.');
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Register a host" className="space-y-5">
      <Field label="Host name" name="name" required placeholder="rack2-u07" autoComplete="off" />
      <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold">Agent</legend>
        <Field label="Agent URL" name="agentUrl" required placeholder="https://rack2-u07.mgmt:9443" hint="https:// with the certificate's fingerprint; http:// only for an agent on this machine." />
        <Field label="Agent token" name="agentToken" type="password" required autoComplete="off" hint="The SRIOV_AGENT_TOKEN the agent was started with (16+ characters)." />
        <Field label="Agent certificate SHA-256" name="agentCertSha256" placeholder="AB:CD:…" autoComplete="off" />
      </fieldset>
      <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold">iLO</legend>
        <Field label="iLO address" name="iloAddress" required placeholder="ilo-rack2-u07.oob or https://10.0.0.7" />
        <Field label="iLO user" name="iloUser" required autoComplete="off" />
        <Field label="iLO password" name="iloPassword" type="password" required autoComplete="off" />
        <Field label="iLO certificate SHA-256" name="iloCertSha256" required placeholder="AB:CD:…" autoComplete="off" hint="Pinned: the iLO's self-signed certificate is trusted by this fingerprint only." />
      </fieldset>
      {error && (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className="rounded-md bg-slate-900 px-4 py-2 text-sm font-semibold text-white hover:bg-slate-700 disabled:opacity-60">
        {busy ? 'Contacting the iLO…' : 'Register host'}
      </button>
    </form>
  );
}
