// A sink for bench h: per event, how long ago its time stamp was (the PV's
// time stamp at station A: ms from A's put to this read at B); at the end of
// the stream the list goes to <run dir>/<filename>.json for the bench to read.
import { writeFileSync } from 'node:fs';

export function latency_sink(io) {
  const lat = [];
  return io.sink((ev) => {
    if (ev === null) {
      writeFileSync(io.exportPath('json'), JSON.stringify(lat));
      return;
    }
    lat.push(Date.now() - ev.timestamp);
  });
}
