// Creating and writing export files: never replacing one unless asked, and errors that
// name the file and say why in plain words (a full disk, a removed folder, no permission).
import { openSync } from 'node:fs';

/** The cause of a failed file operation in plain words, with its code: "the disk is full (ENOSPC)". */
export function fileErrorCause(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const plain: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EROFS: 'the file system is read-only',
    EACCES: 'no permission to write there',
    EPERM: 'no permission to write there',
    ENOENT: 'its folder does not exist (removed?)',
    ESTALE: 'its folder was removed',
    EIO: 'an input/output error of the disk',
    EFBIG: 'the file is too large for this file system',
    EBADF: 'the file was closed',
  };
  const why = err?.code ? plain[err.code] : undefined;
  if (why) return `${why} (${err.code})`;
  return err instanceof Error ? err.message : String(e);
}

/** An Error for a failed write: names the kind of file, the file and the cause. */
export function writeError(kind: string, path: string, e: unknown): Error {
  return new Error(`cannot write the ${kind} file ${path}: ${fileErrorCause(e)}`);
}

/** Opens `path` for writing (exclusive unless overwrite); throws naming the file, its kind and the reason. */
export function createExportFile(path: string, kind: string, overwrite = false): number {
  try {
    return openSync(path, overwrite ? 'w' : 'wx');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EEXIST' ? 'it exists already (choose another file, or allow overwriting)' : err.code === 'ENOENT' ? 'its folder does not exist' : fileErrorCause(err);
    throw new Error(`cannot create the ${kind} file ${path}: ${why}`);
  }
}
