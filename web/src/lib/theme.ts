import { useCallback, useEffect, useState } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
const STORAGE_KEY = 'mnemo.theme';

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** The effective theme, for code (charts) that paints with colours rather than CSS. */
export function currentTheme(): 'light' | 'dark' {
  const forced = document.documentElement.dataset.theme;
  if (forced === 'light' || forced === 'dark') return forced;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/**
 * Follows the operating system's colour scheme until the user picks one; the choice is remembered per browser.
 * The chosen theme is a data attribute on <html> that the stylesheet keys on.
 */
export function useTheme(): [ThemeChoice, () => void] {
  const [choice, setChoice] = useState<ThemeChoice>(stored);
  useEffect(() => {
    if (choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = choice;
    try {
      if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // private mode: the choice lasts for this page only
    }
    window.dispatchEvent(new Event('mnemo-theme'));
  }, [choice]);
  const cycle = useCallback(
    () =>
      setChoice((c) =>
        c === 'system' ? (currentTheme() === 'dark' ? 'light' : 'dark') : c === 'dark' ? 'light' : 'system',
      ),
    [],
  );
  return [choice, cycle];
}

/** Re-renders when the effective theme changes, from the toggle or from the operating system. */
export function useEffectiveTheme(): 'light' | 'dark' {
  const [theme, setTheme] = useState(currentTheme);
  useEffect(() => {
    const update = () => setTheme(currentTheme());
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', update);
    window.addEventListener('mnemo-theme', update);
    return () => {
      media.removeEventListener('change', update);
      window.removeEventListener('mnemo-theme', update);
    };
  }, []);
  return theme;
}
