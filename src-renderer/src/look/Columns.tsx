// The pieces of the column layout App places in .app-main: the handle after
// the side column, and the editor column with its handle.
import { EditorDialogs } from '../editor/EditorDialogs';
import { SetupEditor } from '../panels/SetupEditor';
import { DEFAULT_LAYOUT, WIDTH_LIMITS, setLayout, useFittedLayout } from './layout';
import { Resizer } from './Resizer';

/** The drag handle between the side column and the plots. */
export function SideHandle() {
  const l = useFittedLayout();
  if (l.sideCollapsed) return <div />;
  return <Resizer label="Width of the run column" width={l.side} min={WIDTH_LIMITS.side[0]} max={WIDTH_LIMITS.side[1]} direction={1} onResize={(side) => setLayout({ side })} onReset={() => setLayout({ side: DEFAULT_LAYOUT.side })} />;
}

/** The setup editor's column (with its handle), when shown. */
export function EditorColumn() {
  const l = useFittedLayout();
  // Open and Save As (Ctrl+O, Ctrl+S) work with the editor hidden too: its dialogs then live here.
  if (!l.editorOpen) return <EditorDialogs />;
  return (
    <>
      <Resizer label="Width of the setup editor" width={l.editor} min={WIDTH_LIMITS.editor[0]} max={WIDTH_LIMITS.editor[1]} direction={-1} onResize={(editor) => setLayout({ editor })} onReset={() => setLayout({ editor: DEFAULT_LAYOUT.editor })} />
      <div className="editor-column">
        <SetupEditor />
      </div>
    </>
  );
}

/** The header button that shows or hides the setup editor. */
export function EditorToggle() {
  const l = useFittedLayout();
  return (
    <button type="button" className={`small ${l.editorOpen ? 'active-toggle' : ''}`} aria-pressed={l.editorOpen} data-testid="editor-toggle" onClick={() => setLayout({ editorOpen: !l.editorOpen })} title="Show or hide the setup editor">
      Setup editor
    </button>
  );
}
