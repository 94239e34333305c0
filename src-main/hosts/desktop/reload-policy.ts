// What to do when the window's page crashes (Electron's render-process-gone):
// load it again — it reconnects to the engine and finds the run where it is —
// but not forever. A page that crashes again and again (a GPU driver, a bug in
// the page with this setup) would otherwise reload in a loop that hides the
// cause and eats the machine; after a few crashes in a short time the user is
// asked instead. The engine and its run are not affected either way.
import type { DialogSpec } from './quit-policy';

export interface ReloadPolicyOptions {
  /** Crashes allowed within `windowMs` before asking (default 3). */
  limit?: number;
  windowMs?: number;
}

export type CrashVerdict = { action: 'reload' } | { action: 'ask'; dialog: DialogSpec };

/** Counts the page's crashes; each crash gets a verdict. */
export class RendererCrashes {
  private readonly times: number[] = [];
  private readonly limit: number;
  private readonly windowMs: number;

  constructor(opts: ReloadPolicyOptions = {}) {
    this.limit = opts.limit ?? 3;
    this.windowMs = opts.windowMs ?? 60_000;
  }

  /** A crash at `now` (ms) for `reason` (Electron's details.reason): reload, or ask the user. */
  crashed(reason: string, now: number): CrashVerdict {
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0] > this.windowMs) this.times.shift();
    if (this.times.length < this.limit) return { action: 'reload' };
    return {
      action: 'ask',
      dialog: {
        type: 'error',
        title: 'RingScope',
        message: `The window crashed ${this.times.length} times within ${Math.round(this.windowMs / 1000)} seconds (${reason}).`,
        detail:
          'The engine and any run keep going; data is written as usual. Reload the window to try again, or quit (a running run is stopped and written first).',
        buttons: ['Reload Window', 'Quit RingScope'],
        defaultId: 0,
        cancelId: 1,
      },
    };
  }

  /** The user chose to reload: count afresh. */
  reset(): void {
    this.times.length = 0;
  }
}
