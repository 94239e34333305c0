// run.json on disk. Written when a run starts (state "running"), rewritten every
// few seconds with the counts so far, and once more at the end; always whole:
// a temp file, synced, renamed over run.json, so a kill or a power cut at any
// moment leaves the previous or the new content, never a torn file. A small
// reserve file is set aside at the start and given up when the disk is full,
// so the final run.json still fits on a disk the exports filled.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunProgress, RunSummary } from '../../src-shared/engine/status';
import { fileErrorCause } from '../../src-workers/formats/export-file';

/** run.json's name in a run directory. */
export const RUN_FILE = 'run.json';
/** The reserve's name: a dot file, so tools listing the run's files pass it by. */
const RESERVE = '.run.json.reserve';
/** Enough for run.json of a large setup, written twice (temp and final). */
const RESERVE_BYTES = 256 * 1024;
/** Seconds between rewrites of run.json while a run goes. */
export const RUN_FILE_EVERY_S = 2;

/** Sets the reserve aside (nothing happens if it cannot: the disk is full already). */
export function setReserveAside(dir: string): void {
  try {
    writeFileSync(join(dir, RESERVE), Buffer.alloc(RESERVE_BYTES));
  } catch {
    rmSync(join(dir, RESERVE), { force: true });
  }
}

/** Gives the reserve up (at the end of a run, or for a full disk). */
export function giveReserveUp(dir: string): void {
  try {
    rmSync(join(dir, RESERVE), { force: true });
  } catch {
    // the folder is gone: nothing to give up
  }
}

function writeWhole(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // a read-only or removed folder: no temp file was left either
    }
    throw e;
  }
}

/**
 * Writes run.json whole (temp file, sync, rename); on a full disk gives the reserve up and tries
 * again. Returns null, or what went wrong in words naming the file and the cause (never throws).
 */
export function writeRunFile(dir: string, content: RunSummary | RunProgress): string | null {
  const path = join(dir, RUN_FILE);
  const text = JSON.stringify(content, null, 2) + '\n';
  for (let attempt = 0; ; attempt++) {
    try {
      writeWhole(path, text);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (attempt === 0 && (code === 'ENOSPC' || code === 'EDQUOT')) {
        giveReserveUp(dir);
        continue;
      }
      return `cannot write ${path}: ${fileErrorCause(e)}`;
    }
  }
}
