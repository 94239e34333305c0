// builtin:sources/tar_parquet — mimoCoRB's file_source.tar_parquet_source:
// replays its recordings (a tar of one Parquet file per event) into a buffer,
// value for value, each event keeping the counter in its member's name.
// Parameters: src-shared/builtins/source-tar-parquet.ts.
import { createRandom } from '../../../src-shared/random';
import { MimocorbTarReader, recordingArchives, writeRecorded } from '../../formats/mimocorb-tar';
import { writerLayout } from '../../runtime/event-layout';
import type { FunctionIO } from '../../runtime/io';

export default async function tarParquetSource(io: FunctionIO): Promise<void> {
  const { layout } = writerLayout(io, 'sources/tar_parquet');
  const reader = new MimocorbTarReader(recordingArchives(String(io.config.path ?? ''), io.setupDirectory));
  let sleeptime = Number(io.config.sleeptime ?? 0.1);
  io.onParam('sleeptime', (v) => (sleeptime = Number(v)));
  const random = io.config.random === true;
  const rng = createRandom(null);
  let played = 0;
  io.log.info(`replaying mimoCoRB recording ${reader.archives.join(', ')}`);
  try {
    await io.source(async (ev) => {
      const recorded = await reader.next();
      if (!recorded) return false;
      // as mimoCoRB's parquetReader: a Poisson-distributed or a fixed wait before each event
      const wait = random ? -sleeptime * Math.log(1 - rng.uniform()) : sleeptime;
      if (wait > 0 && !io.sleep(wait)) return false;
      writeRecorded(recorded, layout, ev.fields);
      if (recorded.counter !== null) ev.counter = recorded.counter;
      played++;
      if (played % 16 === 0) io.setStatus({ replayed: played });
      return true;
    });
  } finally {
    io.setStatus({ replayed: played });
    reader.close();
  }
}
