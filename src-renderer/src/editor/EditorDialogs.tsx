// The page's own Open and Save As dialogs (browser mode; the desktop app
// plugs in native dialogs instead, see EditorHooks). Open lists the host's
// examples and this browser's recent setups, takes a path on the server, or
// uploads a file from this computer; Save As takes a path on the server.
import { useEffect, useRef, useState } from 'react';
import { useApp, useAppContext } from '../AppContext';

export function EditorDialogs() {
  const dialog = useApp((s) => s.editorDialog);
  if (!dialog) return null;
  return dialog.kind === 'save-as' ? <SaveAsDialog suggested={dialog.suggested} /> : <OpenDialog />;
}

function Modal({ title, children, onCancel }: { title: string; children: React.ReactNode; onCancel(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        className="modal panel"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        ref={ref}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onCancel();
          }
        }}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

function SaveAsDialog({ suggested }: { suggested: string }) {
  const answer = useApp((s) => s.editorAnswer);
  const folder = useApp((s) => s.editorFolder);
  const anywhere = useApp((s) => s.editorSaveAnywhere);
  const [path, setPath] = useState(suggested);
  const ok = /\.ya?ml$/i.test(path.trim());
  return (
    <Modal title="Save setup as" onCancel={() => answer(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) answer(path.trim());
        }}
      >
        <label className="modal-field">
          Path on the server
          <input aria-label="Save as path" value={path} size={48} spellCheck={false} onChange={(e) => setPath(e.target.value)} />
        </label>
        <p className="hint">
          Relative to {folder ? <code>{folder}</code> : 'the folder the server runs in'}
          {anywhere ? ', or an absolute path' : ' (this server saves only inside it)'}. Paths to config files and modules are rewritten so they
          still point at the same files.
        </p>
        {!ok && <p className="field-problem problem-error">The name must end with .yaml.</p>}
        <div className="modal-buttons">
          <button type="button" onClick={() => answer(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!ok}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

function OpenDialog() {
  const { store } = useAppContext();
  const answer = useApp((s) => s.editorAnswer);
  const examples = useApp((s) => s.editorExamples);
  const recent = useApp((s) => s.editorRecent);
  const folder = useApp((s) => s.editorFolder);
  const [path, setPath] = useState('');
  const upload = useRef<HTMLInputElement>(null);
  return (
    <Modal title="Open a setup" onCancel={() => answer(null)}>
      {examples.length > 0 && (
        <div className="open-list">
          <h3>Examples</h3>
          <ul>
            {examples.map((e) => (
              <li key={e.path}>
                <button type="button" className="link" data-testid="open-example" data-path={e.path} title={e.description ?? e.path} onClick={() => answer(e.path)}>
                  {e.title}
                </button>{' '}
                <span className="hint">{e.path}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {recent.length > 0 && (
        <div className="open-list">
          <h3>Recent</h3>
          <ul>
            {recent.map((p) => (
              <li key={p}>
                <button type="button" className="link" data-testid="open-recent" onClick={() => answer(p)}>
                  {p}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) answer(path.trim());
        }}
      >
        <label className="modal-field">
          A setup file on the server{folder ? <span className="hint"> (relative to {folder})</span> : null}
          <input aria-label="Open path" value={path} size={48} spellCheck={false} onChange={(e) => setPath(e.target.value)} />
        </label>
        <div className="modal-buttons">
          <button type="button" onClick={() => upload.current?.click()} title="A .yaml file from this computer; it stays in the editor until Save As">
            Upload…
          </button>
          <input
            ref={upload}
            type="file"
            accept=".yaml,.yml,application/yaml,text/yaml"
            hidden
            data-testid="upload-input"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              const text = await f.text();
              answer(null);
              await store.getState().editorOpenText(text, f.name);
            }}
          />
          <span className="spacer" />
          <button type="button" onClick={() => answer(null)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!path.trim()}>
            Open
          </button>
        </div>
      </form>
    </Modal>
  );
}
