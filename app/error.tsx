'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-lg rounded-lg border border-rose-300 bg-white p-8 text-center">
      <h1 className="text-xl font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm text-slate-600">The server hit an error{error.digest ? ` (reference ${error.digest})` : ''}. Its log has the cause.</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-slate-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700">
        Try again
      </button>
    </div>
  );
}
