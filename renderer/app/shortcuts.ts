import { useEffect, useRef } from 'react';

// Keyboard-first: single keys when not typing, Ctrl/Cmd combos anywhere.
//   c / Ctrl+N  compose      /  search the queue     s / Ctrl+S  sync now
//   q queue  a needs attention  b bulk import  d dashboard  , settings  ? help

export interface ShortcutActions {
  compose(): void;
  search(): void;
  sync(): void;
  go(screen: 'queue' | 'attention' | 'bulk' | 'dashboard' | 'settings' | 'report'): void;
  help(): void;
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
}

export function useShortcuts(actions: ShortcutActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const a = ref.current;
      const mod = event.ctrlKey || event.metaKey;
      // A modal dialog (the help) owns the keyboard: keys behind it must not act.
      const modalOpen = document.querySelector('dialog[open]') !== null;
      if (mod && !event.altKey && !event.shiftKey) {
        const key = event.key.toLowerCase();
        if (modalOpen) {
          if (key === 'n' || key === 's') event.preventDefault();
        } else if (key === 'n') {
          event.preventDefault();
          a.compose();
        } else if (key === 's') {
          event.preventDefault();
          a.sync();
        }
        return;
      }
      if (mod || event.altKey || modalOpen || isTyping(event.target)) return;
      const handlers: Record<string, () => void> = {
        c: a.compose,
        '/': a.search,
        s: a.sync,
        q: () => a.go('queue'),
        a: () => a.go('attention'),
        b: () => a.go('bulk'),
        d: () => a.go('dashboard'),
        r: () => a.go('report'),
        ',': () => a.go('settings'),
        '?': a.help,
      };
      const handler = handlers[event.key];
      if (handler) {
        event.preventDefault();
        handler();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

export const SHORTCUT_HELP: readonly [string, string][] = [
  ['c or Ctrl+N', 'Compose a request'],
  ['/', 'Search the queue by card'],
  ['s or Ctrl+S', 'Sync now'],
  ['q', 'Queue'],
  ['a', 'Needs attention'],
  ['b', 'Bulk import'],
  ['d', 'Dashboard'],
  ['r', 'Shift report'],
  [',', 'Connections and settings'],
  ['?', 'This help'],
  ['↑ ↓ Enter', 'Move in the queue, open a request'],
  ['Space, Shift+↑ ↓', 'Select queue rows (Ctrl+A: all loaded, Esc: none; or Ctrl/Shift+click)'],
];
