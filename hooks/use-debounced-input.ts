'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * A filter box's text: what is typed shows at once and reaches `onChange` only after a pause of
 * `delayMs`, so each keystroke does not start a query. When `value` changes from outside (the
 * URL: back/forward, a summary tile), the box shows it.
 */
export function useDebouncedInput(value: string, onChange: (next: string) => void, delayMs: number): [string, (next: string) => void] {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  useEffect(() => () => clearTimeout(timer.current), []);
  const type = (next: string) => {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onChange(next), delayMs);
  };
  return [text, type];
}
