// A number input that applies on Enter or when it loses focus, and shows why
// a value is refused next to it (requests are not sent for every keystroke).
import { useEffect, useState } from 'react';

export function NumberField(props: {
  label: string;
  value: number;
  /** Returns an error message for a value that cannot apply, else null. */
  check?: (n: number) => string | null;
  onCommit: (n: number) => void;
  width?: number;
  disabled?: boolean;
}) {
  const { label, value, check, onCommit, width = 80, disabled } = props;
  const [text, setText] = useState(String(value));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(String(value));
    setError(null);
  }, [value]);
  const commit = () => {
    const t = text.trim();
    const n = Number(t);
    const problem = t === '' || !Number.isFinite(n) ? `${label}: enter a number` : (check?.(n) ?? null);
    setError(problem);
    if (!problem && n !== value) onCommit(n);
  };
  return (
    <label className="number-field">
      <span>{label}</span>
      <input
        aria-label={label}
        value={text}
        style={{ width }}
        disabled={disabled}
        aria-invalid={error ? 'true' : undefined}
        title={error ?? undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setText(String(value));
            setError(null);
          }
        }}
      />
      {error && <span className="field-error" role="alert">{error}</span>}
    </label>
  );
}
