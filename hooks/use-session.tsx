'use client';

import { createContext, useContext, type ReactNode } from 'react';
import type { Role } from '@/lib/auth/permissions';

export interface BrowserSession {
  name: string;
  role: Role;
  csrfToken: string | null;
}

const SessionContext = createContext<BrowserSession | null>(null);

export function SessionProvider({ session, children }: { session: BrowserSession | null; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** The signed-in user, to decide what to show; the server decides what is allowed. */
export function useSession(): BrowserSession | null {
  return useContext(SessionContext);
}
