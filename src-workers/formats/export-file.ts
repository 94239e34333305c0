// Creating an export file: never replacing one unless asked, with an error that says why not.
import { openSync } from 'node:fs';

/** Opens `path` for writing (exclusive unless overwrite); throws naming the file, its kind and the reason. */
export function createExportFile(path: string, kind: string, overwrite = false): number {
  try {
    return openSync(path, overwrite ? 'w' : 'wx');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'EEXIST'
        ? 'it exists already (choose another file, or allow overwriting)'
        : err.code === 'ENOENT'
          ? 'its folder does not exist'
          : err.code === 'EACCES' || err.code === 'EPERM'
            ? 'no permission to write there'
            : err.message;
    throw new Error(`cannot create the ${kind} file ${path}: ${why}`);
  }
}
