import Link from 'next/link';

export default function HostNotFound() {
  return (
    <div className="mx-auto max-w-lg rounded-lg border border-slate-200 bg-white p-8 text-center">
      <h1 className="text-xl font-semibold">Host not found</h1>
      <p className="mt-2 text-sm text-slate-600">No host in the inventory has this id. It may have been removed.</p>
      <Link href="/" className="mt-4 inline-block text-sm font-medium text-sky-800 hover:underline">
        Back to the fleet
      </Link>
    </div>
  );
}
