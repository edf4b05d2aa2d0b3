import type { AsyncLocalStorage } from 'node:async_hooks';
import type { DestinationStream, Logger } from 'pino';

export const LOG_LEVELS: string[];
export const REDACTED_PATHS: string[];
export type RequestContext = { requestId: string };
export function parseLogLevel(raw: string | undefined): { level: string } | { problem: string };
export const requestContext: AsyncLocalStorage<RequestContext>;
export function createLogger(options?: { level?: string; destination?: DestinationStream }): Logger;
export function logger(): Logger;
export function acceptedRequestId(header: string | string[] | undefined): string | null;
export function requestLevel(method: string | undefined, status: number, path?: string): 'error' | 'info' | 'debug';
