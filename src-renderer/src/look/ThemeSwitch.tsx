// The header's theme choice: System (follows prefers-color-scheme), Light, Dark.
import { useEffect, useState } from 'react';
import { onThemeChange, setThemeSource, themeSource, type ThemeSource } from './theme';

export function ThemeSwitch() {
  const [source, setSource] = useState<ThemeSource>(themeSource);
  useEffect(() => onThemeChange((s) => setSource(s)), []);
  return (
    <label className="theme-switch" title="Colour theme (System follows the operating system)">
      <span className="visually-hidden">Theme</span>
      <select data-testid="theme-switch" value={source} onChange={(e) => setThemeSource(e.target.value as ThemeSource)} aria-label="Theme">
        <option value="system">◐ System</option>
        <option value="light">☀ Light</option>
        <option value="dark">☾ Dark</option>
      </select>
    </label>
  );
}
