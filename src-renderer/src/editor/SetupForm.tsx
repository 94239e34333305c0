// The setup as a form: every buffer (slots, samples per field, its fields and
// their types) and every function (threads, and its parameters: a built-in's
// from its declaration — type, unit, default, range, help — a user function's
// as free key/value pairs). Each value shows the messages of its key path.
import { useState } from 'react';
import { DTYPES } from '../../../src-shared/setup/dtype';
import { formatKeyPath } from '../../../src-shared/setup/source';
import type { Problem } from '../../../src-shared/setup/types';
import { useApp } from '../AppContext';
import { breakable, FieldProblems, Row, ValueInput } from './fields';
import { PortInput } from './PortInput';
import { addBufferField, inputKind, paramValueProblem, readInput, type BufferForm, type EditorModel, type FunctionForm, type ParamForm } from './model';

interface FormProps {
  model: EditorModel;
  /** Problems by the key path of the field that shows them. */
  at(key: string): Problem[];
  /** A run is in progress: edits apply at the next Start, live parameters now. */
  active: boolean;
}

export function SetupForm({ model, at, active }: FormProps) {
  const general = at('');
  return (
    <div className="setup-form">
      {general.length > 0 && (
        <div className="form-general">
          <FieldProblems problems={general} />
        </div>
      )}
      <datalist id="ringscope-dtypes">
        {DTYPES.map((d) => (
          <option key={d} value={d} />
        ))}
      </datalist>
      <h3>Buffers</h3>
      {model.buffers.map((b) => (
        <BufferFieldset key={b.name} buffer={b} at={at} />
      ))}
      <h3>Functions</h3>
      {model.functions.map((f) => (
        <FunctionFieldset key={f.name} fn={f} at={at} active={active} />
      ))}
    </div>
  );
}

function BufferFieldset({ buffer: b, at }: { buffer: BufferForm; at: FormProps['at'] }) {
  const edit = useApp((s) => s.editorEdit);
  const del = useApp((s) => s.editorDelete);
  const setText = useApp((s) => s.editorSetText);
  const text = useApp((s) => s.editorDoc?.text ?? '');
  const dataTypeKey = formatKeyPath([...b.path, 'data_type']);
  return (
    <fieldset className="form-group" data-buffer={b.name}>
      <legend>{b.name}</legend>
      <FieldProblems problems={at(b.key)} />
      <Row label="Slots" hint="events the buffer holds" testId={`${b.name}.number_of_slots`}>
        <ValueInput label={`${b.name} number_of_slots`} value={b.slots.value} kind="number" size={8} problems={at(b.slots.key)} onEdit={(v) => edit(b.slots.path, v)} />
      </Row>
      <Row label="Samples" hint="values per field in one event (1 for single numbers)" testId={`${b.name}.channel_per_slot`}>
        <ValueInput label={`${b.name} channel_per_slot`} value={b.samples.value} kind="number" size={8} problems={at(b.samples.key)} onEdit={(v) => edit(b.samples.path, v)} />
      </Row>
      <FieldProblems problems={at(dataTypeKey)} />
      <table className="form-fields">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {b.fields.map((f, i) => {
            const entryKey = f.id !== null ? formatKeyPath(f.dtype.path.slice(0, -1)) : null;
            return (
              <tr key={f.id ?? `single-${i}`}>
                <td>
                  {f.name ? (
                    <ValueInput label={`${b.name} field ${f.id} name`} value={f.name.value} kind="text" size={12} problems={at(f.name.key)} onEdit={(v) => edit(f.name!.path, v)} />
                  ) : (
                    <span className="muted" title="data_type is one type for the whole event: its one field is called data">data</span>
                  )}
                  {entryKey && <FieldProblems problems={at(entryKey)} />}
                </td>
                <td>
                  <ValueInput label={`${b.name} field ${f.id ?? 'data'} type`} value={f.dtype.value} kind="text" size={9} list="ringscope-dtypes" problems={at(f.dtype.key)} onEdit={(v) => edit(f.dtype.path, v)} />
                </td>
                <td>
                  {f.id !== null && b.fields.length > 1 && (
                    <button type="button" className="icon" title={`Remove field ${showName(f.name?.value)}`} aria-label={`Remove field ${showName(f.name?.value)}`} onClick={() => del(f.dtype.path.slice(0, -1))}>
                      ×
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {b.named && (
        <button
          type="button"
          className="small"
          onClick={() => {
            try {
              setText(addBufferField(text, b, `field_${b.fields.length + 1}`));
            } catch {
              // a file with syntax errors: the YAML tab says so
            }
          }}
        >
          Add field
        </button>
      )}
    </fieldset>
  );
}

function showName(v: unknown): string {
  return typeof v === 'string' ? v : String(v ?? '');
}

function FunctionFieldset({ fn, at, active }: { fn: FunctionForm; at: FormProps['at']; active: boolean }) {
  const edit = useApp((s) => s.editorEdit);
  const [newKey, setNewKey] = useState('');
  const [newValue, setNewValue] = useState('');
  return (
    <fieldset className="form-group" data-function={fn.name}>
      <legend>
        {fn.name} <code>{fn.builtin ? `builtin:${fn.builtin.id}` : fn.fileName}</code>
      </legend>
      {fn.builtin && <p className="form-hint">{fn.builtin.summary}</p>}
      <FieldProblems problems={at(fn.key)} />
      <Row label="Threads" hint="num_process: worker threads running it" testId={`${fn.name}.num_process`}>
        <ValueInput label={`${fn.name} num_process`} value={fn.numProcess.value} kind="number" size={4} problems={at(fn.numProcess.key)} onEdit={(v) => edit(fn.numProcess.path, v)} />
      </Row>
      {fn.params.length === 0 && <p className="form-hint">{fn.builtin ? 'No parameters.' : 'No parameters set.'}</p>}
      {fn.params.map((p) => (
        <ParamRow key={p.name} fn={fn} param={p} at={at} active={active} />
      ))}
      {!fn.builtin && (
        <form
          className="form-add-param"
          onSubmit={(e) => {
            e.preventDefault();
            const key = newKey.trim();
            const v = readInput(newValue, 'yaml');
            if (!key || v instanceof Error) return;
            edit([...fn.path, 'config', key], v);
            setNewKey('');
            setNewValue('');
          }}
        >
          <input aria-label={`${fn.name} new parameter name`} placeholder="parameter" value={newKey} size={12} onChange={(e) => setNewKey(e.target.value)} />
          <input aria-label={`${fn.name} new parameter value`} placeholder="value" value={newValue} size={10} onChange={(e) => setNewValue(e.target.value)} />
          <button type="submit" className="small" disabled={!newKey.trim()}>
            Add parameter
          </button>
        </form>
      )}
    </fieldset>
  );
}

function describeSpec(p: ParamForm): string {
  const s = p.spec;
  if (!s) return '';
  const parts = [s.type === 'enum' ? `one of ${(s.choices ?? []).join(', ')}` : s.type];
  if (s.min !== undefined || s.max !== undefined) parts.push(`${s.min ?? '−∞'} … ${s.max ?? '∞'}${s.unit ? ` ${s.unit}` : ''}`);
  parts.push(`default ${JSON.stringify(s.default)}${s.unit && s.default !== null ? ` ${s.unit}` : ''}`);
  return parts.join(' · ');
}

function ParamRow({ fn, param: p, at, active }: { fn: FunctionForm; param: ParamForm; at: FormProps['at']; active: boolean }) {
  const edit = useApp((s) => s.editorEdit);
  const del = useApp((s) => s.editorDelete);
  const live = p.spec?.live === true;
  const problems = at(p.key);
  const setLive = (v: unknown) => (live && active && paramValueProblem(p, v) === null ? { function: fn.name, name: p.name } : undefined);
  const label = `${fn.name} ${p.name}`;
  let input;
  if (p.spec?.type === 'boolean') {
    input = (
      <>
        <input type="checkbox" aria-label={label} checked={p.value === true} aria-invalid={problems.some((x) => x.severity === 'error')} onChange={(e) => edit(p.editPath, e.target.checked, setLive(e.target.checked))} />
        <FieldProblems problems={problems} />
      </>
    );
  } else if (p.spec?.type === 'enum') {
    const choices = p.spec.choices ?? [];
    const value = typeof p.value === 'string' ? p.value : '';
    input = (
      <>
        <select aria-label={label} value={value} aria-invalid={problems.some((x) => x.severity === 'error')} onChange={(e) => edit(p.editPath, e.target.value, setLive(e.target.value))}>
          {!choices.includes(value) && <option value={value}>{value || '(none)'}</option>}
          {choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
        <FieldProblems problems={problems} />
      </>
    );
  } else if (p.spec?.suggest === 'serial-ports') {
    input = (
      <PortInput
        label={label}
        value={p.value}
        problems={problems}
        onEdit={(v) => edit(p.editPath, v)}
        onCommit={(v) => {
          const l = setLive(v);
          if (l) edit(p.editPath, v, l);
        }}
      />
    );
  } else {
    const kind = inputKind(p.spec);
    input = (
      <ValueInput
        label={label}
        value={p.value}
        kind={kind}
        size={kind === 'yaml' ? 24 : 12}
        problems={problems}
        onEdit={(v) => edit(p.editPath, v)}
        onCommit={(v) => {
          const l = setLive(v);
          if (l) edit(p.editPath, v, l);
        }}
      />
    );
  }
  return (
    <Row
      testId={`param:${fn.name}.${p.name}`}
      label={
        <span title={p.spec?.help}>
          {breakable(p.name)}
          {p.spec?.unit ? <span className="unit"> ({p.spec.unit})</span> : null}
          {live && (
            <span className="live-badge" title="Changes take effect while running">
              live
            </span>
          )}
        </span>
      }
      hint={
        <>
          {p.spec?.help && <span className="param-help">{p.spec.help} </span>}
          <span className="param-spec">{describeSpec(p)}</span>
          <span className="param-origin" data-testid="param-origin">
            {' '}
            · from {p.origin}
          </span>{' '}
          {p.inFile && (
            <button type="button" className="link small" title="Remove it from this file (back to the default or the config file)" onClick={() => del(p.key.startsWith('FunctionConfigs') ? ['FunctionConfigs', fn.fktName, p.name] : [...fn.path, 'config', p.name])}>
              reset
            </button>
          )}
          {active && !live && <span className="param-next"> · applies at the next Start</span>}
        </>
      }
    >
      {input}
    </Row>
  );
}
