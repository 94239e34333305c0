// What quitting does, given the run, the engine and the setup editor: ask
// before unsaved setup changes are lost, quit at once, close the engine first,
// or ask before stopping a run. Stopping for quit is always the
// graceful stop (sources end, everything buffered is written, files closed);
// only a second request while that is under way offers to abort.
import { isActive } from '../../../src-shared/bridge/protocol';
import type { RunState } from '../../../src-shared/engine/status';
import type { SupervisorState } from './engine-supervisor';

/** How far a quit has got. */
export type QuitPhase =
  /** No quit requested yet. */
  | 'none'
  /** Closing an engine without a run. */
  | 'closing'
  /** Stopping a run (graceful) before quitting. */
  | 'stopping'
  /** The user chose to abort the stop. */
  | 'aborting';

export interface QuitContext {
  engine: SupervisorState;
  run: RunState;
  phase: QuitPhase;
  /** The window's setup editor has changes not saved (and the user has not agreed to lose them). */
  unsaved?: boolean;
}

/** A native message box, described independently of Electron. */
export interface DialogSpec {
  type: 'none' | 'info' | 'error' | 'question' | 'warning';
  title: string;
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
}

export type QuitDecision =
  /** The setup editor has unsaved changes: ask whether to lose them. */
  | { action: 'ask-discard'; dialog: DialogSpec }
  /** Nothing holds the app: quit now. */
  | { action: 'quit' }
  /** No run: close the engine (frees its buffers), then quit. */
  | { action: 'close-engine' }
  /** A run is in progress: ask whether to stop it and quit. */
  | { action: 'ask-stop'; dialog: DialogSpec }
  /** A stop for quitting is under way and abort was already chosen: keep waiting. */
  | { action: 'wait' }
  /** A stop for quitting is under way: offer to abort it. */
  | { action: 'ask-abort'; dialog: DialogSpec }
  /** Closing an idle engine takes too long and quit was asked again: end it. */
  | { action: 'force' };

/** What the user chose in a quit dialog. */
export type QuitAnswer = 'discard' | 'stop-and-quit' | 'cancel' | 'abort-and-quit' | 'keep-waiting';

export const DISCARD_DIALOG: DialogSpec = {
  type: 'warning',
  title: 'Quit RingScope',
  message: 'The setup has unsaved changes.',
  detail: 'Quitting now loses them. To keep them, cancel and use File ▸ Save or Save As….',
  buttons: ['Discard Changes and Quit', 'Cancel'],
  defaultId: 1,
  cancelId: 1,
};

export const STOP_DIALOG: DialogSpec = {
  type: 'question',
  title: 'Quit RingScope',
  message: 'A run is in progress. Stop it and quit?',
  detail:
    'The sources stop, everything already taken is written to the run directory, and the files are closed before RingScope quits. This can take a moment.',
  buttons: ['Stop Run and Quit', 'Cancel'],
  defaultId: 0,
  cancelId: 1,
};

export const ABORT_DIALOG: DialogSpec = {
  type: 'warning',
  title: 'Quit RingScope',
  message: 'RingScope is still writing the run’s data.',
  detail:
    'Wait until everything is written, or abort: the files are closed as they are, and events still in the ring buffers are not written.',
  buttons: ['Keep Waiting', 'Abort and Quit'],
  defaultId: 0,
  cancelId: 0,
};

/** Decides what a quit request (menu, window close, Cmd+Q, OS logout) does now. */
export function decideQuit(ctx: QuitContext): QuitDecision {
  if (ctx.unsaved && ctx.phase === 'none') return { action: 'ask-discard', dialog: DISCARD_DIALOG };
  const engineUp = ctx.engine === 'running' || ctx.engine === 'starting' || ctx.engine === 'stopping';
  if (!engineUp) return { action: 'quit' };
  switch (ctx.phase) {
    case 'none':
      return isActive(ctx.run) ? { action: 'ask-stop', dialog: STOP_DIALOG } : { action: 'close-engine' };
    case 'closing':
      return { action: 'force' };
    case 'stopping':
      return { action: 'ask-abort', dialog: ABORT_DIALOG };
    case 'aborting':
      return { action: 'wait' };
  }
}

/** The choice behind a dialog button. */
export function quitAnswer(decision: QuitDecision, button: number): QuitAnswer {
  if (decision.action === 'ask-discard') return button === 0 ? 'discard' : 'cancel';
  if (decision.action === 'ask-stop') return button === 0 ? 'stop-and-quit' : 'cancel';
  if (decision.action === 'ask-abort') return button === 1 ? 'abort-and-quit' : 'keep-waiting';
  throw new Error(`no dialog for the quit decision "${decision.action}"`);
}
