'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * A modal on the browser's own <dialog>: showModal() makes the rest of the page inert (focus stays
 * inside), Escape closes it, and focus returns to what opened it. Content mounts only while open,
 * so a form inside starts empty each time. An element marked data-autofocus gets the first focus.
 * Children are a DialogBody and, usually, a DialogFooter (inside one <form> when there is one).
 */
export function Dialog({ open, onClose, title, children, size = 'md' }: { open: boolean; onClose: () => void; title: ReactNode; children: ReactNode; size?: 'md' | 'lg' }) {
  const ref = useRef<HTMLDialogElement>(null);
  const pressedOnBackdrop = useRef(false);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={() => open && onClose()}
      onKeyDown={(e) => e.key === 'Tab' && keepFocusInside(e)}
      // A click that starts and ends on the backdrop closes; a text selection dragged out of a field does not.
      onMouseDown={(e) => (pressedOnBackdrop.current = e.target === e.currentTarget)}
      onClick={(e) => pressedOnBackdrop.current && e.target === e.currentTarget && onClose()}
      className={`m-auto w-[calc(100%-2rem)] ${size === 'lg' ? 'max-w-2xl' : 'max-w-lg'} rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40`}
    >
      {open && (
        <div className="flex max-h-[85vh] flex-col">
          <header className="flex items-start justify-between gap-3 border-b border-slate-200 px-5 py-3">
            <h2 id={titleId} className="text-base font-semibold">
              {title}
            </h2>
            <button type="button" onClick={onClose} aria-label="Close" className="-mr-1 rounded px-1.5 text-lg leading-none text-slate-500 hover:bg-slate-100 hover:text-slate-900">
              ×
            </button>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * showModal() makes the page behind inert, but Tab past the last control still leaves for the
 * browser's own UI: wrap around instead, as a modal should. The header's close button is always
 * the first stop and the footer's buttons the last, so no radio group sits at either end.
 */
function keepFocusInside(event: React.KeyboardEvent<HTMLDialogElement>) {
  const stops = event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE);
  const first = stops[0];
  const last = stops[stops.length - 1];
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

export function DialogBody({ children }: { children: ReactNode }) {
  return <div className="min-h-0 flex-1 space-y-4 overflow-y-auto px-5 py-4 text-sm">{children}</div>;
}

export function DialogFooter({ children }: { children: ReactNode }) {
  return <footer className="flex flex-wrap items-center justify-end gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3">{children}</footer>;
}

/** A form that fills the dialog: its body scrolls, its footer with the buttons stays in view. */
export function DialogForm({ onSubmit, label, children }: { onSubmit: (event: React.FormEvent<HTMLFormElement>) => void; label?: string; children: ReactNode }) {
  return (
    <form onSubmit={onSubmit} aria-label={label} className="flex min-h-0 flex-1 flex-col">
      {children}
    </form>
  );
}
