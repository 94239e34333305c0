// What the setup parser's tests share: a small valid setup in mimoCoRB's
// style (two buffers, a source, a filter with two threads, a sink), which each
// bad case changes in one place with edit().
export const BASE = `# test setup
title: Two buffers
RingBuffer:
  - RB_1:
      number_of_slots: 16
      channel_per_slot: 100
      data_type:
        1: [chA, float32]
        2: [chB, float32]
  - RB_2:
      number_of_slots: 8
      channel_per_slot: 1
      data_type: {1: [height, float64], 2: [position, int32]}
Functions:
  - Fkt_main: {runtime: 10, runevents: 0}
  - Fkt_1:
      file_name: modules/source
      fkt_name: source
      num_process: 1
      RB_assign: {RB_1: write}
  - Fkt_2:
      file_name: modules/filter
      fkt_name: filter
      num_process: 2
      RB_assign:
        RB_1: read
        RB_2: write
  - Fkt_3:
      file_name: modules/sink
      fkt_name: sink
      RB_assign: {RB_2: read}
`;

/** BASE with `from` (which must occur exactly once) replaced by `to`. */
export function edit(from: string, to: string, text = BASE): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`"${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}
