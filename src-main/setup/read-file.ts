// Reading a setup or config file without ever hanging: only regular files are
// read (a FIFO, a device such as /dev/zero or a socket is refused at once:
// opening with O_NONBLOCK never waits for a writer), files larger than a setup
// can sensibly be are refused before reading, and a read that takes too long
// (a stalled network drive) fails instead of holding the caller forever.
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Setup and config files larger than this are not hand-written setups (those are a few kB). The
 * YAML parser needs about 450 MB and seconds for 1 MiB of numbers, and ran out of a 4 GB heap
 * after 3.5 minutes on 16 MiB (measured for issue 18), so the limit stays at 1 MiB.
 */
export const MAX_SETUP_FILE_BYTES = 1 << 20;
/** A read that takes longer than this fails. */
export const READ_TIMEOUT_MS = 10_000;

/** A file that cannot be read as a setup or config file; the message says why in words for the user. */
export class SetupReadError extends Error {
  override name = 'SetupReadError';
  constructor(
    message: string,
    readonly code: 'ENOENT' | 'EISDIR' | 'ENOTREG' | 'EFBIG' | 'ETIMEDOUT' | 'EIO',
  ) {
    super(message);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'folder';
  if (st.isFIFO()) return 'named pipe (FIFO)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  if (st.isSocket()) return 'socket';
  return 'special file';
}

/** The text of a regular file of at most `maxBytes`; throws SetupReadError otherwise, or when reading takes longer than `timeoutMs`. */
export async function readTextFile(path: string, maxBytes = MAX_SETUP_FILE_BYTES, timeoutMs = READ_TIMEOUT_MS): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new SetupReadError(`took longer than ${timeoutMs / 1000} s to read`, 'ETIMEDOUT')), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([read(path, maxBytes), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function read(path: string, maxBytes: number): Promise<string> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting.
    fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new SetupReadError('does not exist', 'ENOENT');
    if (err.code === 'EISDIR') throw new SetupReadError('is a folder', 'EISDIR');
    throw new SetupReadError(`cannot be read: ${err.message}`, 'EIO');
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new SetupReadError('is a folder', 'EISDIR');
    if (!st.isFile()) throw new SetupReadError(`is a ${kindOf(st)}, not a file`, 'ENOTREG');
    if (st.size > maxBytes) throw new SetupReadError(`is ${(st.size / 2 ** 20).toFixed(1)} MiB, more than a setup or config file can be (${maxBytes / 2 ** 20} MiB)`, 'EFBIG');
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
}
