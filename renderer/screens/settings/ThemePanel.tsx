import { useState } from 'react';
import { chooseTheme, savedThemeChoice, type ThemeChoice } from '../../app/theme';

// Light, dark, or as the system: applied at once, kept on this computer.

const LABELS: Record<ThemeChoice, string> = { system: 'As the system', light: 'Light', dark: 'Dark' };

export function ThemePanel() {
  const [choice, setChoice] = useState(savedThemeChoice);
  return (
    <section className="panel" aria-labelledby="theme-title">
      <fieldset className="theme-choice">
        <legend id="theme-title">Appearance</legend>
        {(Object.keys(LABELS) as ThemeChoice[]).map((value) => (
          <label key={value} className="radio">
            <input
              type="radio"
              name="theme"
              value={value}
              checked={choice === value}
              onChange={() => {
                setChoice(value);
                chooseTheme(value);
              }}
            />
            {LABELS[value]}
          </label>
        ))}
      </fieldset>
    </section>
  );
}
