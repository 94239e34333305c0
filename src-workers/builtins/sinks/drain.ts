// builtin:sinks/drain — mimoCoRB's drain: reads every event and discards it.
import type { FunctionIO } from '../../runtime/io';

export default async function drainSink(io: FunctionIO): Promise<void> {
  if (Object.keys(io.readers).length === 0) throw new Error('sinks/drain needs a buffer to read (RB_assign: {RB_n: read})');
  await io.sink(() => {});
}
