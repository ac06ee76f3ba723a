// Light or dark: the operator's choice in Settings, kept on this computer
// (localStorage), or the system's. The stylesheet keys its colours on
// <html data-theme>; "system" follows the OS setting as it changes.

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'cadesk.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/** A stored choice, or "system" for anything else (nothing stored, an old or damaged value). */
export function parseThemeChoice(stored: string | null): ThemeChoice {
  return (THEME_CHOICES as readonly string[]).includes(stored ?? '') ? (stored as ThemeChoice) : 'system';
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light';
  return choice;
}

export function savedThemeChoice(): ThemeChoice {
  try {
    return parseThemeChoice(window.localStorage.getItem(STORAGE_KEY));
  } catch {
    return 'system'; // storage unavailable: follow the system
  }
}

let stopFollowing: (() => void) | null = null;

/** Shows `choice` now; with "system", keeps following the OS setting until the next call. */
export function applyTheme(choice: ThemeChoice): void {
  stopFollowing?.();
  stopFollowing = null;
  const media = window.matchMedia(DARK_QUERY);
  const show = () => {
    document.documentElement.dataset.theme = resolveTheme(choice, media.matches);
  };
  show();
  if (choice === 'system') {
    media.addEventListener('change', show);
    stopFollowing = () => media.removeEventListener('change', show);
  }
}

/** Keeps `choice` for the next start and shows it. */
export function chooseTheme(choice: ThemeChoice): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, choice);
  } finally {
    applyTheme(choice);
  }
}
