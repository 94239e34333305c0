// The signals that stop `ringscope run` and `ringscope serve`: Ctrl-C (SIGINT), SIGTERM (timeout,
// systemd, docker) and SIGHUP (a closing terminal). The first stops gracefully, a second aborts.

/** The signals that stop a run like Ctrl-C. */
export const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** A SIGTERM or SIGHUP this soon after the first stop signal is a duplicate delivery, not a second request. */
const DUPLICATE_MS = 1000;

/**
 * Calls `onStop(1, signal)` for the first stop signal and `onStop(2, signal)` for each later one;
 * returns the function that removes the handlers. `timeout` and a closing terminal deliver their
 * signal twice (to the process and to its process group): a SIGTERM or SIGHUP within a second of
 * the first is the same request. Writes to a closed terminal or pipe no longer throw meanwhile.
 */
export function onStopSignals(onStop: (count: 1 | 2, signal: NodeJS.Signals) => void): () => void {
  let count = 0;
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    if (count === 1 && signal !== 'SIGINT' && performance.now() - firstAt < DUPLICATE_MS) return;
    if (count === 0) firstAt = performance.now();
    count++;
    onStop(count === 1 ? 1 : 2, signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, handler);
  const ignore = () => {};
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignore);
  return () => {
    for (const s of STOP_SIGNALS) process.off(s, handler);
  };
}
