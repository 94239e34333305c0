// Plain-word descriptions shared by the hosts (messages) and the UI (rows).
import type { EndReason, FunctionError } from '../engine/status';

/** A failed function in plain words: which function and thread, at which event, what happened, what followed. */
export function describeFunctionError(fe: FunctionError): string {
  const where = `${fe.function} (${fe.fkt_name}, thread ${fe.instance + 1})`;
  const at = fe.counter !== null ? ` at event ${fe.counter}` : '';
  const then = fe.policy === 'stop' ? 'The run was stopped.' : 'The event was skipped; the run goes on.';
  return `${where} failed${at}: ${fe.message.replace(/\.$/, '')}. ${then}`;
}

/** Why a run ended, in plain words. */
export function describeEndReason(reason: EndReason): string {
  switch (reason) {
    case 'runevents':
      return 'reached the number of events';
    case 'runtime':
      return 'reached the run time';
    case 'stop':
      return 'stopped by the user';
    case 'source_ended':
      return 'the source had no more events';
    case 'error':
      return 'stopped by an error';
    case 'abort':
      return 'aborted (files closed as they were)';
    case 'killed':
      return 'the process was killed (recovered afterwards)';
  }
}
