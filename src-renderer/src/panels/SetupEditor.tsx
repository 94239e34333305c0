// The setup editor: New / Open / Save / Save As / Download, a form and a raw
// YAML tab over the same text, validation as you type (the shared parser),
// and the host's file checks once saved or opened. Unsaved changes are marked
// and never dropped without asking (also when the page is closed).
import { useMemo, useRef, useState } from 'react';
import { formatKeyPath } from '../../../src-shared/setup/source';
import type { Problem } from '../../../src-shared/setup/types';
import { isActive } from '../../../src-shared/bridge/protocol';
import { useApp, useAppContext } from '../AppContext';
import { FieldProblems } from '../editor/fields';
import { modelFor, placeProblems, renderedKeys } from '../editor/model';
import { SetupForm } from '../editor/SetupForm';
import { editedDiffers, editorDirty } from '../store/editor';
import { runState } from '../store/appStore';
import { EditorDialogs } from '../editor/EditorDialogs';
import '../look/look.css';

/** Offers the text as a file download (browser mode's way to take a setup home). */
export function downloadText(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function baseName(path: string): string {
  return path.split(/[\\/]/).at(-1) || path;
}

export function SetupEditor() {
  const { store } = useAppContext();
  const doc = useApp((s) => s.editorDoc);
  const dirty = useApp(editorDirty);
  const differs = useApp(editedDiffers);
  const busy = useApp((s) => s.editorBusy);
  const message = useApp((s) => s.editorMessage);
  const savedProblems = useApp((s) => s.editorSavedProblems);
  const connected = useApp((s) => s.connection === 'open');
  const hostSetup = useApp((s) => s.setup);
  const state = useApp(runState);
  const active = isActive(state);
  // Actions never change: read them at call time.
  const actions = useMemo(
    () => ({
      n: () => store.getState().editorNew(),
      open: () => store.getState().editorChooseOpen(),
      save: () => store.getState().editorSave(),
      saveAs: () => store.getState().editorSaveAs(),
      setText: (t: string) => store.getState().editorSetText(t),
    }),
    [store],
  );
  const [tab, setTab] = useState<'form' | 'yaml'>('form');

  const model = useMemo(() => (doc ? modelFor(doc.text, doc.configs, baseName(doc.path)) : null), [doc]);
  // The host's file checks belong to the text it loaded: shown while the editor still has that text.
  const problems: Problem[] = useMemo(() => {
    if (!model) return [];
    const local = model.problems;
    if (!doc || !hostSetup || hostSetup.path !== doc.path || hostSetup.text !== doc.text) return local;
    const seen = new Set(local.map((p) => p.message));
    const extra = hostSetup.problems
      .filter((p) => !seen.has(p.message) && (p.file == null || baseName(String(p.file)) === baseName(doc.path)))
      .map((p) => ({ severity: p.severity, message: p.message, file: String(p.file ?? ''), line: p.line ?? 0, column: p.column ?? 0, path: typeof p.path === 'string' ? p.path : p.path ? formatKeyPath(p.path) : '' }));
    return [...local, ...extra];
  }, [model, doc, hostSetup]);
  const placed = useMemo(() => (model ? placeProblems(problems, renderedKeys(model)) : new Map<string, number[]>()), [model, problems]);
  const at = (key: string) => (placed.get(key) ?? []).map((i) => problems[i]);
  const errors = problems.filter((p) => p.severity === 'error').length;

  return (
    <section className="panel setup-editor" aria-label="Setup editor" data-dirty={dirty} data-busy={busy ?? ''}>
      <div className="editor-head">
        <h2>Setup</h2>
        <span className="editor-name" title={doc?.path}>
          {doc ? (
            <>
              <code data-testid="editor-path">{doc.path}</code>
              {dirty && (
                <span className="dirty-marker" data-testid="dirty-marker" title="Unsaved changes">
                  ● unsaved
                </span>
              )}
              {doc.readOnly && <span className="badge" title="A shipped example: Save As keeps a copy">example</span>}
            </>
          ) : (
            <span className="muted">no setup</span>
          )}
        </span>
      </div>
      <div className="editor-toolbar" role="toolbar" aria-label="Setup file">
        <button type="button" onClick={() => void actions.n()} disabled={busy !== null}>
          New
        </button>
        <button type="button" onClick={() => void actions.open()} disabled={!connected || busy !== null} title="Open (Ctrl+O)">
          Open…
        </button>
        <button type="button" onClick={() => void actions.save()} disabled={!connected || !doc || busy !== null} title="Save (Ctrl+S)">
          Save
        </button>
        <button type="button" onClick={() => void actions.saveAs()} disabled={!connected || !doc || busy !== null} title="Save As (Ctrl+Shift+S)">
          Save As…
        </button>
        <button type="button" onClick={() => doc && downloadText(doc.text, baseName(doc.path))} disabled={!doc} title="Download the YAML as a file">
          Download
        </button>
      </div>
      {message && (
        <p className={`editor-message editor-message-${message.level}`} data-testid="editor-message" role={message.level === 'error' ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {savedProblems.length > 0 && (
        <FieldProblems
          problems={savedProblems.map((p) => ({ severity: p.severity, message: p.message, file: String(p.file ?? ''), line: p.line ?? 0, column: p.column ?? 0, path: String(p.path ?? '') }))}
        />
      )}
      {doc && active && (
        <p className="editor-note" data-testid="editor-running-note">
          A run is in progress and keeps the setup it started with: changes apply at the next Start; parameters marked <span className="live-badge">live</span> apply
          now.
        </p>
      )}
      {doc && !active && differs && errors === 0 && (
        <p className="editor-note" data-testid="editor-next-start">
          Start runs this edited setup{dirty ? ' (unsaved changes included; the file changes only on Save)' : ''}.
        </p>
      )}
      {doc && model && (
        <>
          <div className="editor-tabs" role="tablist">
            <button type="button" role="tab" aria-selected={tab === 'form'} className={tab === 'form' ? 'tab active-tab' : 'tab'} onClick={() => setTab('form')}>
              Form
            </button>
            <button type="button" role="tab" aria-selected={tab === 'yaml'} className={tab === 'yaml' ? 'tab active-tab' : 'tab'} onClick={() => setTab('yaml')}>
              YAML
            </button>
            <span className={`editor-count ${errors ? 'has-errors' : ''}`} data-testid="editor-errors" data-errors={errors}>
              {errors ? `${errors} error${errors > 1 ? 's' : ''}` : 'valid'}
            </span>
          </div>
          <div className="editor-body" role="tabpanel">
            {tab === 'form' ? (
              model.broken ? (
                <div className="form-general">
                  <p>The YAML has syntax errors; fix them in the YAML tab to use the form.</p>
                  <FieldProblems problems={problems} />
                </div>
              ) : (
                <SetupForm model={model} at={at} active={active} />
              )
            ) : (
              <YamlTab text={doc.text} problems={problems} onChange={actions.setText} />
            )}
          </div>
        </>
      )}
      {!doc && <p className="hint">Open a setup (an example, a file on the server, or upload one) or start a new one.</p>}
      <EditorDialogs />
    </section>
  );
}

function YamlTab({ text, problems, onChange }: { text: string; problems: Problem[]; onChange(text: string): void }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const goto = (line: number, column: number) => {
    const ta = ref.current;
    if (!ta) return;
    const lines = text.split('\n');
    let pos = 0;
    for (let i = 0; i < Math.min(line - 1, lines.length); i++) pos += lines[i].length + 1;
    pos += Math.max(0, column - 1);
    ta.focus();
    ta.setSelectionRange(pos, pos);
    const lh = parseFloat(getComputedStyle(ta).lineHeight) || 16;
    ta.scrollTop = Math.max(0, (line - 3) * lh);
  };
  return (
    <div className="yaml-tab">
      <textarea ref={ref} aria-label="Setup YAML" data-testid="yaml-text" value={text} spellCheck={false} wrap="off" onChange={(e) => onChange(e.target.value)} />
      {problems.length > 0 && (
        <ul className="yaml-problems">
          {problems.map((p, i) => (
            <li key={i} className={`field-problem problem-${p.severity}`}>
              <button type="button" className="link" onClick={() => goto(p.line, p.column)}>
                line {p.line}
              </button>{' '}
              {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
