import { describe, expect, it } from 'vitest';
import type { RunState } from '../../../src-shared/engine/status';
import { ABORT_DIALOG, decideQuit, DISCARD_DIALOG, quitAnswer, STOP_DIALOG } from './quit-policy';

describe('decideQuit (quitting during a run)', () => {
  it('quits at once when no engine runs (never started, crashed, already shut down)', () => {
    for (const engine of ['idle', 'exited', 'stopped'] as const) {
      expect(decideQuit({ engine, run: 'running', phase: 'none' })).toEqual({ action: 'quit' });
    }
  });

  it('closes an engine without a run first, and ends it if quit is asked again meanwhile', () => {
    for (const run of ['idle', 'ended', 'failed'] as RunState[]) {
      expect(decideQuit({ engine: 'running', run, phase: 'none' })).toEqual({ action: 'close-engine' });
    }
    expect(decideQuit({ engine: 'stopping', run: 'idle', phase: 'closing' })).toEqual({ action: 'force' });
  });

  it('asks before stopping a run in any active state, with a graceful stop as the default', () => {
    for (const run of ['starting', 'running', 'paused', 'stopping'] as RunState[]) {
      const d = decideQuit({ engine: 'running', run, phase: 'none' });
      expect(d).toEqual({ action: 'ask-stop', dialog: STOP_DIALOG });
    }
    expect(STOP_DIALOG.buttons).toEqual(['Stop Run and Quit', 'Cancel']);
    expect(STOP_DIALOG.defaultId).toBe(0);
    expect(STOP_DIALOG.cancelId).toBe(1);
    expect(STOP_DIALOG.detail).toContain('everything already taken is written');
    const d = decideQuit({ engine: 'running', run: 'running', phase: 'none' });
    expect(quitAnswer(d, 0)).toBe('stop-and-quit');
    expect(quitAnswer(d, 1)).toBe('cancel');
  });

  it('while the stop for quitting is under way, offers to abort (default: keep waiting), then waits', () => {
    const d = decideQuit({ engine: 'stopping', run: 'stopping', phase: 'stopping' });
    expect(d).toEqual({ action: 'ask-abort', dialog: ABORT_DIALOG });
    expect(ABORT_DIALOG.buttons[ABORT_DIALOG.defaultId]).toBe('Keep Waiting');
    expect(ABORT_DIALOG.cancelId).toBe(ABORT_DIALOG.defaultId);
    expect(quitAnswer(d, 0)).toBe('keep-waiting');
    expect(quitAnswer(d, 1)).toBe('abort-and-quit');
    expect(decideQuit({ engine: 'stopping', run: 'stopping', phase: 'aborting' })).toEqual({ action: 'wait' });
    expect(() => quitAnswer({ action: 'quit' }, 0)).toThrow('no dialog');
  });

  it('asks first about unsaved setup changes (default: cancel), whatever the engine does', () => {
    for (const engine of ['running', 'exited'] as const) {
      const d = decideQuit({ engine, run: 'idle', phase: 'none', unsaved: true });
      expect(d).toEqual({ action: 'ask-discard', dialog: DISCARD_DIALOG });
      expect(quitAnswer(d, 0)).toBe('discard');
      expect(quitAnswer(d, 1)).toBe('cancel');
    }
    expect(DISCARD_DIALOG.buttons[DISCARD_DIALOG.defaultId]).toBe('Cancel');
    // Once agreed (unsaved: false), the run question follows.
    expect(decideQuit({ engine: 'running', run: 'running', phase: 'none', unsaved: false }).action).toBe('ask-stop');
  });
});
