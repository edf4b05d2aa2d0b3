// The browser's one way to call our API: typed results, and errors that carry the envelope's
// code and message so the UI can show what went wrong.

import type { ErrorBody, ErrorCode } from './http';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: ErrorCode | 'network',
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  return typeof body === 'object' && body !== null && 'error' in body && typeof (body as ErrorBody).error?.message === 'string';
}

export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError('The server did not answer. Check that it is running.', 0, 'network');
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isErrorBody(body)) throw new ApiError(body.error.message, response.status, body.error.code);
    throw new ApiError(`The server answered ${response.status}.`, response.status, 'internal');
  }
  return body as T;
}
