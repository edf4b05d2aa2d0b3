'use client';

import { useEffect, useState } from 'react';

/** The time, read again every `intervalMs` while `active`: for "restarting for 1 min 5 s". */
export function useNow(intervalMs: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
  return now;
}
