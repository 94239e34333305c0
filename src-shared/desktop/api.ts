// The desktop app's window API: what the Electron preload exposes to the page
// (window.ringscope) and the IPC channel names behind it. Pure types and
// constants, shared by src-main/hosts/desktop/electron (main), src-preload and src-renderer.
//
// Engine data never travels through these channels: the page receives a
// MessagePort to the engine process and speaks the bridge protocol on it.

/** Where the engine runs: its own utility process (default) or Electron's main process. */
export type EngineHostMode = 'utility' | 'main';

/** The engine process as main sees it, told to the window on every change. */
export type EngineStatus =
  | { state: 'starting'; host: EngineHostMode }
  | { state: 'running'; host: EngineHostMode }
  /** Exited without being asked to: the window shows `reason` and offers a restart. */
  | { state: 'exited'; host: EngineHostMode; code: number | null; reason: string }
  /** Shutting down on purpose (the app is quitting): any run is being stopped and its data written. */
  | { state: 'stopping'; host: EngineHostMode }
  /** Shut down on purpose. */
  | { state: 'stopped'; host: EngineHostMode };

/** The window's colour scheme, as chosen in View ▸ Theme. */
export type ThemeSource = 'system' | 'light' | 'dark';

/** Run-menu commands main hands to the window, so they act exactly like its buttons (with the run limits typed there). */
export type RunMenuAction = 'start' | 'pause-resume' | 'stop';

/**
 * File-menu commands (and files handed to the app: command line, second
 * launch, Finder) main hands to the window: its setup editor performs them, so
 * unsaved changes are guarded and edits are what gets saved.
 */
export type FileMenuAction =
  | { kind: 'new' }
  | { kind: 'open' }
  | { kind: 'open-path'; path: string }
  | { kind: 'save' }
  | { kind: 'save-as' };

/** A yes/no question in a native message box. */
export interface ConfirmRequest {
  message: string;
  detail?: string;
  /** The label of the button that answers yes (default "OK"). */
  confirm?: string;
}

/** A ready-to-run setup shipped with the app. */
export interface ExampleSetup {
  /** The setup's title (or its folder's name). */
  title: string;
  /** Absolute path of the setup file. */
  path: string;
}

/** What the window may ask of the desktop app (window.ringscope in Electron; absent in a browser). */
export interface DesktopApi {
  readonly host: 'electron';
  readonly platform: string;
  /** Asks for a MessagePort to the engine; it arrives as a window message whose data is ENGINE_PORT_MESSAGE. */
  connectEngine(): void;
  /** Engine process changes; returns the unsubscribe function. */
  onEngineStatus(listener: (status: EngineStatus) => void): () => void;
  /** Starts the engine process again after it exited; a new port follows. */
  restartEngine(): Promise<void>;
  /** The native Open dialog: resolves with the chosen setup's absolute path, or null when cancelled. */
  chooseOpenPath(): Promise<string | null>;
  /** The native Save dialog (it asks before replacing a file): an absolute path, or null. `suggested` is the editor's proposal. */
  chooseSavePath(suggested: string): Promise<string | null>;
  /** A native yes/no message box; resolves true for yes. */
  confirm(request: ConfirmRequest): Promise<boolean>;
  /** Tells main whether the setup editor has unsaved changes (quitting asks first; macOS marks the window). */
  setDocumentEdited(edited: boolean): void;
  /** The theme chosen in the window (main keeps it, with View ▸ Theme and the native parts). */
  setTheme(theme: ThemeSource): void;
  /** Recently opened setups, newest first (existing files only). */
  recentFiles(): Promise<string[]>;
  /** Recent-file list changes; returns the unsubscribe function. */
  onRecentFiles(listener: (files: string[]) => void): () => void;
  /** The example setups shipped with the app. */
  examples(): Promise<ExampleSetup[]>;
  /** Run-menu commands; returns the unsubscribe function. */
  onRunMenu(listener: (action: RunMenuAction) => void): () => void;
  /** File-menu commands and files handed to the app; returns the unsubscribe function. */
  onFileMenu(listener: (action: FileMenuAction) => void): () => void;
  /** Theme changes (and the current theme once, right away); returns the unsubscribe function. */
  onTheme(listener: (theme: ThemeSource) => void): () => void;
  /** Shows a file of a run in the system's file manager (main refuses paths outside this session's runs). */
  showInFolder(path: string): void;
}

/** The window message (data) that carries the engine port from the preload to the page. */
export const ENGINE_PORT_MESSAGE = 'ringscope:engine-port';

/** IPC channel names between preload and main. */
export const IPC = {
  connectEngine: 'ringscope:connect-engine',
  enginePort: 'ringscope:engine-port',
  engineStatus: 'ringscope:engine-status',
  restartEngine: 'ringscope:restart-engine',
  chooseOpenPath: 'ringscope:choose-open-path',
  chooseSavePath: 'ringscope:choose-save-path',
  confirm: 'ringscope:confirm',
  documentEdited: 'ringscope:document-edited',
  setTheme: 'ringscope:set-theme',
  recentFiles: 'ringscope:recent-files',
  recentFilesChanged: 'ringscope:recent-files-changed',
  examples: 'ringscope:examples',
  runMenu: 'ringscope:run-menu',
  fileMenu: 'ringscope:file-menu',
  theme: 'ringscope:theme',
  getTheme: 'ringscope:get-theme',
  showInFolder: 'ringscope:show-in-folder',
} as const;
