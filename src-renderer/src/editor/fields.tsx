// Inputs of the setup form. An input keeps what is being typed while it has
// focus (so "1." is not turned into "1" under the fingers); every change is
// written to the YAML text at once, and the messages of the value's key path
// are shown right below it.
import { useId, useState, type ReactNode } from 'react';
import type { Problem } from '../../../src-shared/setup/types';
import { readInput, showValue, type InputKind } from './model';

export function FieldProblems({ problems, id }: { problems: readonly Problem[]; id?: string }) {
  if (problems.length === 0) return null;
  return (
    <ul className="field-problems" id={id}>
      {problems.map((p, i) => (
        <li key={i} className={`field-problem problem-${p.severity}`} data-severity={p.severity} data-testid="field-problem">
          {p.message} <span className="where">line {p.line}</span>
        </li>
      ))}
    </ul>
  );
}

interface ValueInputProps {
  label: string;
  value: unknown;
  kind: InputKind;
  problems: readonly Problem[];
  onEdit(value: unknown): void;
  /** Called when the value is settled (blur, Enter): live parameters are sent then. */
  onCommit?(value: unknown): void;
  disabled?: boolean;
  list?: string;
  size?: number;
  testId?: string;
}

/** A text input for one value (numbers, text, or YAML for lists, mappings and free parameters). */
export function ValueInput({ label, value, kind, problems, onEdit, onCommit, disabled, list, size, testId }: ValueInputProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [local, setLocal] = useState<string | null>(null);
  const [last, setLast] = useState<unknown>(undefined);
  const msgId = useId();
  const errors = problems.some((p) => p.severity === 'error') || local !== null;
  const commit = () => {
    if (draft !== null && local === null && last !== undefined) onCommit?.(last);
    setDraft(null);
    setLocal(null);
  };
  return (
    <>
      <input
        type="text"
        aria-label={label}
        data-testid={testId}
        value={draft ?? showValue(value)}
        size={size}
        list={list}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={errors}
        aria-describedby={problems.length || local ? msgId : undefined}
        onChange={(e) => {
          const t = e.target.value;
          setDraft(t);
          const v = readInput(t, kind);
          if (v instanceof Error) {
            setLocal(v.message);
            return;
          }
          setLocal(null);
          setLast(v);
          onEdit(v);
        }}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
      {local !== null && (
        <p className="field-problem problem-error" id={msgId} data-testid="field-problem">
          {local} (not written)
        </p>
      )}
      {local === null && <FieldProblems problems={problems} id={msgId} />}
    </>
  );
}

/** A labelled row of the form. */
/** A name that may break after its underscores (analogue_offset → analogue_ / offset), never inside a word. */
export function breakable(name: string): ReactNode {
  const parts = name.split('_');
  return parts.map((p, i) => (
    <span key={i}>
      {p}
      {i < parts.length - 1 ? (
        <>
          _<wbr />
        </>
      ) : null}
    </span>
  ));
}

export function Row({ label, hint, children, testId }: { label: ReactNode; hint?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <div className="form-row" data-testid={testId}>
      <div className="form-label">{label}</div>
      <div className="form-value">
        {children}
        {hint && <div className="form-hint">{hint}</div>}
      </div>
    </div>
  );
}
