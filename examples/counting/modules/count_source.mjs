// A source: each event's `value` is its counter (0, 1, 2 …).
// io.source calls fill() for every free slot until the run stops or fill returns false.
// `period` (seconds, default 0) may be changed while running.
export function count_source(io) {
  let period = Number(io.config.period ?? 0);
  io.onParam('period', (v) => (period = Number(v)));
  return io.source((event) => {
    event.fields.value[0] = event.counter;
    if (period > 0) io.sleep(period);
  });
}
