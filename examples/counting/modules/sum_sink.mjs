// A sink: sums what arrives and, at end of stream (event === null), writes
// sum.json into the run directory.
import { writeFileSync } from 'node:fs';

export function sum_sink(io) {
  let count = 0;
  let sum = 0;
  let squares = 0;
  const counters = [];
  return io.sink((event) => {
    if (event === null) {
      writeFileSync(io.exportPath('json'), JSON.stringify({ count, sum, squares, counters }) + '\n');
      return;
    }
    count++;
    sum += event.fields.value[0];
    squares += event.fields.square[0];
    counters.push(event.counter);
  });
}
