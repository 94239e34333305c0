// builtin:sinks/drain — mimoCoRB's exporters.drain: reads every event and
// discards it (a buffer that must be read so its writer never waits). The
// implementation is src-workers/builtins/sinks/drain.ts.
import type { BuiltinSpec } from './spec';

/** The drain's declaration (no parameters; mimoCoRB's `key:` placeholder is ignored with a warning). */
export const SINK_DRAIN: BuiltinSpec = {
  id: 'sinks/drain',
  kind: 'sink',
  summary: "Reads every event of its buffer and discards it, as mimoCoRB's drain: the buffer's writers never wait on it, and its counts still reconcile in run.json.",
  params: [],
};
