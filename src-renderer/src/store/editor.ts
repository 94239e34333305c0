// The setup editor's part of the app store: the document being edited (its
// text is the source of truth; the form edits it through editText), New /
// Open / Save / Save As, recent files, and the rules that keep work and runs
// safe — unsaved changes are never dropped without asking, a running run is
// never changed under its feet (live parameters are sent with set_param, the
// rest applies at the next Start, when the edited text is loaded first).
//
// Desktop menus and native dialogs drive the same actions (see EditorHooks and
// the README section "Editing setups in the window").
import type { StoreApi } from 'zustand/vanilla';
import type { HostEvent, SerialPortEntry, SetupEntry, SetupInfo, SetupProblem } from '../../../src-shared/bridge/protocol';
import { isActive } from '../../../src-shared/bridge/protocol';
import { NEW_SETUP_TEMPLATE } from '../../../src-shared/setup/template';
import type { KeyPath } from '../../../src-shared/setup/types';
import type { Bridge } from '../bridge/Bridge';
import { applyDelete, applyEdit, modelFor } from '../editor/model';

/** The setup being edited. */
export interface EditorDoc {
  /** Where it is (or will be) on the host, as the host names it; for a new or uploaded setup, the proposed name. */
  path: string;
  text: string;
  /** The text as last loaded from or saved to `path`; null when unknown (nothing unsaved can be told apart). */
  savedText: string | null;
  /** Never saved on the host (New, upload): Save asks where. */
  untitled: boolean;
  /** The host will not save at `path` (a shipped example): Save asks where to put a copy. */
  readOnly: boolean;
  /** The config files' content the host sent with it (parameter values set there). */
  configs?: Record<string, unknown>;
}

/** The places where the desktop app plugs in its native dialogs (defaults: the page's own). */
export interface EditorHooks {
  /** Asks whether unsaved changes may be dropped. */
  confirmDiscard(message: string): Promise<boolean>;
  /** Asks where to save (a path on the host); null = cancelled. */
  chooseSavePath(suggested: string): Promise<string | null>;
  /** Asks whether an existing file may be replaced. */
  confirmOverwrite(path: string): Promise<boolean>;
  /** Asks which setup to open (a path on the host); null = cancelled. */
  chooseOpenPath(): Promise<string | null>;
}

/** An in-page dialog the editor is waiting on. */
export type EditorDialog = { kind: 'save-as'; suggested: string; message?: string } | { kind: 'open' };

export interface EditorMessage {
  level: 'info' | 'error';
  text: string;
}

export interface EditorSlice {
  editorDoc: EditorDoc | null;
  /** Example setups the host offers. */
  editorExamples: SetupEntry[];
  /** The host's working folder (relative paths are relative to it). */
  editorFolder: string | null;
  /** False when the host saves only inside its own folder. */
  editorSaveAnywhere: boolean;
  /** The host's serial ports for a serial source's port field: null before the first answer. */
  editorPorts: { ports: SerialPortEntry[]; warning: string | null } | null;
  /** True while a port list is asked for. */
  editorPortsLoading: boolean;
  /** Setups opened or saved from this browser, newest first. */
  editorRecent: string[];
  editorBusy: null | 'opening' | 'saving' | 'applying';
  editorMessage: EditorMessage | null;
  /** Problems of the last save made while a run was active (the file checks of what was written). */
  editorSavedProblems: SetupProblem[];
  editorDialog: EditorDialog | null;

  /** Starts a new setup from the template (asks first when there are unsaved changes). */
  editorNew(): Promise<boolean>;
  /** Opens a setup on the host by path (asks first when there are unsaved changes). */
  editorOpen(path: string): Promise<boolean>;
  /** Asks which setup to open (the page's Open dialog, or a native one), then opens it. */
  editorChooseOpen(): Promise<boolean>;
  /** Takes a setup text from elsewhere (an uploaded file); nothing is written until Save As. */
  editorOpenText(text: string, name: string): Promise<boolean>;
  /** Saves to the document's path (Save As for new setups and read-only examples). */
  editorSave(): Promise<boolean>;
  /** Saves under `path` (asks for one when omitted). */
  editorSaveAs(path?: string): Promise<boolean>;
  /** Replaces the whole text (the YAML tab). */
  editorSetText(text: string): void;
  /** Sets one value by key path; `live` sends it to the running run too (a parameter declared live). */
  editorEdit(path: KeyPath, value: unknown, live?: { function: string; name: string }): void;
  /** Removes a key (a parameter falls back to its default). */
  editorDelete(path: KeyPath): void;
  /** Asks the host for its example setups. */
  editorListSetups(): Promise<void>;
  /** Asks the host for its serial ports (the answer lands in editorPorts). */
  editorListPorts(): Promise<void>;
  /** Answers the in-page dialog (null = cancelled). */
  editorAnswer(answer: string | null): void;
  /** Plugs in native dialogs (Electron). */
  setEditorHooks(hooks: Partial<EditorHooks>): void;
  /** Before Start: loads the edited text when it is not what the engine has; returns why Start must not go on, or null. */
  prepareStart(): Promise<string | null>;
}

type Set<S> = StoreApi<S>['setState'];
type Get<S> = StoreApi<S>['getState'];

/** What the editor needs of the rest of the app state. */
interface Host {
  setup: SetupInfo | null;
  status: { state: string } | null;
  connection: string;
  notices: { id: number; level: 'error' | 'info'; text: string }[];
}

/** True when the document has changes not saved anywhere. */
export function isDirty(doc: EditorDoc | null): boolean {
  return doc !== null && (doc.savedText === null || doc.text !== doc.savedText);
}

/** Selector: the editor has unsaved changes (the window asks before closing). */
export function editorDirty(s: EditorSlice): boolean {
  return isDirty(s.editorDoc);
}

/** Selector: the edited setup is not what the engine has loaded (Start loads it first). */
export function editedDiffers(s: EditorSlice & Host): boolean {
  const d = s.editorDoc;
  if (!d) return false;
  return !s.setup || s.setup.text === undefined || s.setup.path !== d.path || s.setup.text !== d.text;
}

/** Selector: why Start must wait for the edited setup (its structural errors), or null. */
export function editedStartBlock(s: EditorSlice & Host): string | null {
  if (!editedDiffers(s)) return null;
  const m = modelFor(s.editorDoc!.text);
  if (m.errors === 0) return null;
  const first = m.problems.find((p) => p.severity === 'error')!;
  return `the edited setup has ${m.errors} error${m.errors > 1 ? 's' : ''} (line ${first.line}: ${first.message})`;
}

const RECENT_MAX = 8;

function recentKey(): string {
  const host = typeof location !== 'undefined' ? location.host : '';
  return `ringscope.recent:${host}`;
}

function readRecent(): string[] {
  try {
    const v = JSON.parse(globalThis.localStorage?.getItem(recentKey()) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function writeRecent(list: string[]): void {
  try {
    globalThis.localStorage?.setItem(recentKey(), JSON.stringify(list));
  } catch {
    // private mode or no storage: the list lives for this page only
  }
}

/** The name Save As proposes: the file's name, or its folder's name for a generic setup.yaml. */
export function suggestSavePath(doc: EditorDoc): string {
  const parts = doc.path.split(/[\\/]/);
  const name = parts.at(-1) || 'setup.yaml';
  if (!doc.readOnly && !doc.untitled) return doc.path;
  if (name === 'setup.yaml' && parts.length > 1) return `${parts.at(-2)}.yaml`;
  return /\.ya?ml$/i.test(name) ? name : `${name}.yaml`;
}

function docFrom(setup: SetupInfo): EditorDoc | null {
  if (setup.text === undefined) return null;
  return {
    path: setup.path,
    text: setup.text,
    savedText: setup.draft ? null : setup.text,
    untitled: false,
    readOnly: setup.readOnly === true,
    configs: setup.configs,
  };
}

/** The editor's state and actions, for the app store's initializer. */
export function createEditorSlice<S extends EditorSlice & Host>(set: Set<S>, get: Get<S>, bridge: Bridge): EditorSlice {
  let dialogResolve: ((answer: string | null) => void) | null = null;
  let noticeId = 1_000_000;
  const notice = (level: 'error' | 'info', text: string) =>
    set((s) => ({ notices: [...s.notices.slice(-19), { id: ++noticeId, level, text }] }) as Partial<S>);
  const patch = (p: Partial<EditorSlice>) => set(p as Partial<S>);

  const ask = (dialog: EditorDialog): Promise<string | null> => {
    dialogResolve?.(null);
    return new Promise((resolve) => {
      dialogResolve = resolve;
      patch({ editorDialog: dialog });
    });
  };
  const browserConfirm = async (message: string) => (typeof globalThis.confirm === 'function' ? globalThis.confirm(message) : false);
  const hooks: EditorHooks = {
    confirmDiscard: browserConfirm,
    confirmOverwrite: (path) => browserConfirm(`${path} exists already. Replace it?`),
    chooseSavePath: (suggested) => ask({ kind: 'save-as', suggested }),
    chooseOpenPath: () => ask({ kind: 'open' }),
  };

  const remember = (path: string) => {
    const list = [path, ...get().editorRecent.filter((p) => p !== path)].slice(0, RECENT_MAX);
    writeRecent(list);
    patch({ editorRecent: list });
  };

  const mayDiscard = async (what: string): Promise<boolean> => {
    const doc = get().editorDoc;
    if (!isDirty(doc)) return true;
    return hooks.confirmDiscard(`${doc!.path} has unsaved changes. ${what} and lose them?`);
  };

  const busy = async <T>(kind: EditorSlice['editorBusy'], fn: () => Promise<T>): Promise<T> => {
    patch({ editorBusy: kind });
    try {
      return await fn();
    } finally {
      patch({ editorBusy: null });
    }
  };

  // The answer to our save_setup (it arrives just before the ack).
  let lastSaved: Extract<HostEvent, { type: 'setup_saved' }> | null = null;
  bridge.onEvent((ev) => {
    if (ev.type === 'setup_saved') lastSaved = ev;
  });

  const save = async (path: string, from: string | undefined): Promise<boolean> => {
    const doc = get().editorDoc;
    if (!doc) return false;
    const sent = doc.text;
    return busy('saving', async () => {
      let overwrite = false;
      for (;;) {
        lastSaved = null;
        try {
          await bridge.request({ type: 'save_setup', path, text: sent, ...(from !== undefined ? { from } : {}), ...(overwrite ? { overwrite } : {}) });
          break;
        } catch (err) {
          const e = err as Error & { code?: string };
          if (e.code === 'exists' && !overwrite && (await hooks.confirmOverwrite(path))) {
            overwrite = true;
            continue;
          }
          patch({ editorMessage: { level: 'error', text: `Not saved: ${e.message}` } });
          return false;
        }
      }
      const saved = lastSaved as Extract<HostEvent, { type: 'setup_saved' }> | null;
      const written = saved?.text ?? sent;
      const now = get().editorDoc;
      // Typing during the save goes on from what was written (paths may have been rewritten for the new folder).
      const text = now && now.text !== sent ? now.text : written;
      const savedPath = saved?.path ?? path;
      const host = get().setup;
      patch({
        editorDoc: { path: savedPath, text, savedText: written, untitled: false, readOnly: false, configs: host?.path === savedPath ? host.configs : now?.configs },
        editorSavedProblems: saved && !saved.applied ? saved.problems : [],
        editorMessage: {
          level: 'info',
          text:
            saved && !saved.applied
              ? `Saved ${savedPath}. The run in progress goes on with the setup it started with; the saved file applies at the next Start.`
              : `Saved ${savedPath}.`,
        },
      });
      remember(savedPath);
      return true;
    });
  };

  return {
    editorDoc: null,
    editorExamples: [],
    editorFolder: null,
    editorSaveAnywhere: true,
    editorPorts: null,
    editorPortsLoading: false,
    editorRecent: readRecent(),
    editorBusy: null,
    editorMessage: null,
    editorSavedProblems: [],
    editorDialog: null,

    editorNew: async () => {
      if (!(await mayDiscard('Start a new setup'))) return false;
      patch({
        editorDoc: { path: 'new-setup.yaml', text: NEW_SETUP_TEMPLATE, savedText: NEW_SETUP_TEMPLATE, untitled: true, readOnly: false },
        editorMessage: { level: 'info', text: 'A new setup from the template: Start asks where to save it first; Save As keeps it.' },
        editorSavedProblems: [],
      });
      return true;
    },

    editorOpen: async (path) => {
      if (!(await mayDiscard(`Open ${path}`))) return false;
      return busy('opening', async () => {
        try {
          await bridge.request({ type: 'open', path });
        } catch (err) {
          patch({ editorMessage: { level: 'error', text: `Could not open ${path}: ${(err as Error).message}` } });
          return false;
        }
        // The host's `setup` event came before its ack: the app state holds what it opened.
        const setup = get().setup;
        const doc = setup ? docFrom(setup) : null;
        patch({
          editorDoc: doc,
          editorSavedProblems: [],
          editorMessage: doc ? null : { level: 'error', text: `The host did not send the text of ${path}; it cannot be edited here.` },
        });
        if (doc) remember(doc.path);
        return doc !== null;
      });
    },

    editorChooseOpen: async () => {
      const path = await hooks.chooseOpenPath();
      return path ? get().editorOpen(path) : false;
    },

    editorOpenText: async (text, name) => {
      if (!(await mayDiscard(`Open ${name}`))) return false;
      const file = (name.split(/[\\/]/).at(-1) || 'uploaded.yaml').replace(/[^\w.-]+/g, '_');
      patch({
        editorDoc: { path: /\.ya?ml$/i.test(file) ? file : `${file}.yaml`, text, savedText: text, untitled: true, readOnly: false },
        editorMessage: { level: 'info', text: `${name} is open in the editor only: Start runs it, Save As puts it on the server.` },
        editorSavedProblems: [],
      });
      return true;
    },

    editorSave: async () => {
      const doc = get().editorDoc;
      if (!doc) return false;
      if (doc.untitled || doc.readOnly) return get().editorSaveAs();
      return save(doc.path, doc.path);
    },

    editorSaveAs: async (path) => {
      const doc = get().editorDoc;
      if (!doc) return false;
      const target = path ?? (await hooks.chooseSavePath(suggestSavePath(doc)));
      if (!target) return false;
      return save(target, doc.untitled ? undefined : doc.path);
    },

    editorSetText: (text) => {
      const doc = get().editorDoc;
      if (doc) patch({ editorDoc: { ...doc, text } });
    },

    editorEdit: (path, value, live) => {
      const doc = get().editorDoc;
      if (!doc) return;
      let text: string;
      try {
        text = applyEdit(doc.text, path, value);
      } catch (err) {
        notice('error', `Cannot change the form now: ${(err as Error).message}. Fix the YAML tab first.`);
        return;
      }
      patch({ editorDoc: { ...doc, text } });
      const { setup, status } = get();
      if (live && isActive(status?.state as Parameters<typeof isActive>[0]) && setup?.path === doc.path) {
        bridge.request({ type: 'set_param', function: live.function, name: live.name, value }).then(
          () => patch({ editorMessage: { level: 'info', text: `${live.function}.${live.name} = ${JSON.stringify(value)} applied to the running run.` } }),
          (err: Error) => notice('error', `${live.function}.${live.name} was not applied: ${err.message}`),
        );
      }
    },

    editorDelete: (path) => {
      const doc = get().editorDoc;
      if (!doc) return;
      try {
        patch({ editorDoc: { ...doc, text: applyDelete(doc.text, path) } });
      } catch (err) {
        notice('error', `Cannot change the form now: ${(err as Error).message}. Fix the YAML tab first.`);
      }
    },

    editorListSetups: async () => {
      try {
        await bridge.request({ type: 'list_setups' });
      } catch {
        // an older host without examples: the list stays empty
      }
    },

    editorListPorts: async () => {
      patch({ editorPortsLoading: true });
      try {
        await bridge.request({ type: 'list_ports' });
      } catch (err) {
        patch({ editorPorts: { ports: [], warning: `the host did not list its serial ports (${(err as Error).message}); type the port name` } });
      } finally {
        patch({ editorPortsLoading: false });
      }
    },

    editorAnswer: (answer) => {
      const r = dialogResolve;
      dialogResolve = null;
      patch({ editorDialog: null });
      r?.(answer);
    },

    setEditorHooks: (h) => {
      Object.assign(hooks, h);
    },

    prepareStart: async () => {
      const s = get();
      const doc = s.editorDoc;
      if (!doc || !editedDiffers(s)) return null;
      const block = editedStartBlock(s);
      if (block) return `Start is not possible: ${block}.`;
      // A new setup or an edited example has no file of its own yet: ask where to save it first
      // (the run keeps a copy of its setup, and nothing may be written into the read-only examples).
      if (doc.untitled || doc.readOnly) {
        if (!(await get().editorSaveAs())) return 'The run was not started: save the setup first (a new setup or an edited example needs a file of its own).';
        if (!get().setup?.runnable) return 'The saved setup has errors (see Problems); the run was not started.';
        return null;
      }
      return busy('applying', async () => {
        try {
          await bridge.request({ type: 'open', path: doc.path, text: doc.text });
        } catch (err) {
          return `Could not load the edited setup: ${(err as Error).message}`;
        }
        const setup = get().setup;
        if (setup) patch({ editorDoc: { ...get().editorDoc!, configs: setup.configs } });
        if (!setup?.runnable) return 'The edited setup has errors (see Problems); the run was not started.';
        return null;
      });
    },
  };
}

let keptNotice = 2_000_000;

/**
 * Keeps the document in step with what the host opens: a setup opened by the
 * host (another page, a menu, startup) replaces the document when it has no
 * unsaved changes; unsaved work is kept and the user told.
 */
export function wireEditor<S extends EditorSlice & Host>(store: StoreApi<S>, bridge: Bridge): () => void {
  return bridge.onEvent((ev) => {
    const s = store.getState();
    if (ev.type === 'setup_list') {
      store.setState({ editorExamples: ev.examples, editorFolder: ev.folder, editorSaveAnywhere: ev.saveAnywhere } as Partial<S>);
      return;
    }
    if (ev.type === 'port_list') {
      store.setState({ editorPorts: { ports: ev.ports, warning: ev.warning ?? null } } as Partial<S>);
      return;
    }
    if (ev.type !== 'hello' && ev.type !== 'setup') return;
    const setup = ev.setup;
    // Our own open/save/apply adopts the result itself.
    if (!setup || s.editorBusy !== null) return;
    const doc = s.editorDoc;
    if (doc && setup.path === doc.path && setup.text === doc.text) {
      store.setState({ editorDoc: { ...doc, configs: setup.configs, readOnly: setup.readOnly === true } } as Partial<S>);
      return;
    }
    if (isDirty(doc)) {
      if (setup.text !== undefined) {
        store.setState((st) => ({
          notices: [...st.notices.slice(-19), { id: ++keptNotice, level: 'info', text: `${setup.path} was opened; your unsaved changes to ${doc!.path} stay in the editor.` }],
        }) as Partial<S>);
      }
      return;
    }
    store.setState({ editorDoc: docFrom(setup), editorSavedProblems: [] as SetupProblem[] } as unknown as Partial<S>);
  });
}
