// Start, Pause/Resume, Stop; the run's state, elapsed time and events; the
// run limits (editable before Start); after a run, its summary.
import { describeEndReason } from '../../../src-shared/bridge/describe';
import { isActive } from '../../../src-shared/bridge/protocol';
import { useApp } from '../AppContext';
import { baseName, formatCount, formatElapsed } from '../format';
import { parseRunOption, runState } from '../store/appStore';
import { editedDiffers, editedStartBlock } from '../store/editor';

const STATE_WORDS: Record<string, string> = {
  idle: 'Ready',
  starting: 'Starting…',
  running: 'Running',
  paused: 'Paused',
  stopping: 'Stopping…',
  ended: 'Ended',
  failed: 'Failed',
};

/** The placeholder of a run-limit field: the limit that applies when it stays empty, and where it is written. */
export function limitHint(v: number | undefined, from?: string, source?: { events: number; from: string }): string {
  if (v === undefined) return 'as in setup';
  if (v > 0) return `setup: ${formatCount(v)}${from ? ` (${from})` : ''}`;
  if (source) return `source stops at ${formatCount(source.events)} (${source.from})`;
  return 'setup: no limit';
}

export function RunControl() {
  const state = useApp(runState);
  const status = useApp((s) => s.status);
  const runnable = useApp((s) => s.setup?.runnable ?? false);
  const connected = useApp((s) => s.connection === 'open');
  const pending = useApp((s) => s.pending);
  const options = useApp((s) => s.runOptions);
  const lastRun = useApp((s) => s.lastRun);
  const setupEvents = useApp((s) => s.setup?.runevents);
  const setupRuntime = useApp((s) => s.setup?.runtime);
  const limitsFrom = useApp((s) => s.setup?.limitsFrom);
  const sourceEvents = useApp((s) => s.setup?.sourceEvents);
  // What a source event is in this setup, in words ("raw waveforms (every trigger)").
  const eventWords = useApp((s) => s.setup?.buffers[0]?.description);
  const start = useApp((s) => s.start);
  const pause = useApp((s) => s.pause);
  const resume = useApp((s) => s.resume);
  const stop = useApp((s) => s.stop);
  const abort = useApp((s) => s.abort);
  const setRunOption = useApp((s) => s.setRunOption);

  const active = isActive(state);
  const eventsError = parseRunOption(options.runevents, 'Events');
  const runtimeError = parseRunOption(options.runtime, 'Run time');
  const optionsOk = !(eventsError instanceof Error) && !(runtimeError instanceof Error);
  // The setup editor's text is what runs: edits not yet loaded are loaded at Start, if they are valid.
  const edited = useApp(editedDiffers);
  const editBlock = useApp(editedStartBlock);
  const canStart = connected && (edited ? editBlock === null : runnable) && !active && pending === null && optionsOk;
  const canPause = connected && (state === 'running' || state === 'paused') && pending === null;
  const canStop = connected && (state === 'running' || state === 'paused') && pending === null;

  return (
    <section className="panel run-control" aria-label="Run control">
      <h2>Run</h2>
      <div className="run-state">
        <span className={`state-badge state-${state}`} data-testid="run-state" data-state={state}>
          {STATE_WORDS[state] ?? state}
        </span>
        <dl className="run-figures">
          <div>
            <dt>Elapsed</dt>
            <dd data-testid="elapsed">{formatElapsed(status?.elapsed ?? 0)}</dd>
          </div>
          <div>
            <dt title={eventWords ? `Events written by the sources: ${eventWords}` : 'Events written by the sources'}>Events</dt>
            <dd data-testid="source-events" data-value={status?.source_events ?? 0}>
              {formatCount(status?.source_events ?? 0)}
              {eventWords ? <span className="muted event-words">{eventWords}</span> : null}
            </dd>
          </div>
        </dl>
      </div>

      <div className="run-limits">
        <label>
          Events
          <input
            type="text"
            inputMode="numeric"
            placeholder={limitHint(setupEvents, limitsFrom?.runevents, sourceEvents)}
            title={limitHint(setupEvents, limitsFrom?.runevents, sourceEvents)}
            value={options.runevents}
            disabled={active}
            aria-invalid={eventsError instanceof Error}
            onChange={(e) => setRunOption('runevents', e.target.value)}
          />
        </label>
        <label>
          Run time (s)
          <input
            type="text"
            inputMode="decimal"
            placeholder={limitHint(setupRuntime, limitsFrom?.runtime)}
            title={limitHint(setupRuntime, limitsFrom?.runtime)}
            value={options.runtime}
            disabled={active}
            aria-invalid={runtimeError instanceof Error}
            onChange={(e) => setRunOption('runtime', e.target.value)}
          />
        </label>
      </div>
      {eventsError instanceof Error && <p className="field-error">{eventsError.message}</p>}
      {runtimeError instanceof Error && <p className="field-error">{runtimeError.message}</p>}

      <div className="run-buttons">
        <button type="button" className="primary" disabled={!canStart} onClick={() => void start()}>
          Start
        </button>
        {state === 'paused' ? (
          <button type="button" disabled={!canPause} onClick={() => void resume()}>
            Resume
          </button>
        ) : (
          <button type="button" disabled={!canPause} onClick={() => void pause()}>
            Pause
          </button>
        )}
        {state === 'stopping' ? (
          // The second Stop: a function that does not stop is named in the log; this ends the run at once.
          <button type="button" className="danger" disabled={!connected || pending === 'abort'} title="End the run now: files are closed as they are" onClick={() => void abort()}>
            Abort
          </button>
        ) : (
          <button type="button" className="danger" disabled={!canStop} onClick={() => void stop()}>
            Stop
          </button>
        )}
      </div>
      {edited && editBlock !== null && !active && (
        <p className="hint start-blocked" data-testid="start-blocked">
          Start is disabled: {editBlock}.
        </p>
      )}
      {!edited && !runnable && <p className="hint">Start is disabled: the setup has errors (see Problems).</p>}
      {active && status?.disk?.warning && (
        <p className="field-error disk-warning" data-testid="disk-warning" role="alert">
          Warning: {status.disk.warning}.
        </p>
      )}
      {active && status?.run_directory && (
        <p className="run-dir">
          Writing to <code data-testid="run-directory">{status.run_directory}</code>
        </p>
      )}

      {lastRun && !active && (
        <div className="run-summary" data-testid="run-summary">
          <h3>Last run: {describeEndReason(lastRun.end_reason)}</h3>
          <table>
            <tbody>
              {Object.entries(lastRun.buffers).map(([name, b]) => (
                <tr key={name}>
                  <th scope="row">{name}</th>
                  <td>{formatCount(b.written)} events</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            Run directory: <code data-testid="summary-run-directory">{lastRun.run_directory}</code>
          </p>
          {lastRun.exports.length > 0 && (
            <p className="exports">
              Exports: {lastRun.exports.map((e) => baseName(e)).join(', ')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
