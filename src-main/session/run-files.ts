// The files of the runs a session started, for the window's run panel: each
// file with its size and (browser mode) its download address, the run
// directory's disk usage and how fast it grows. Only directories this session
// created are listed or served, and only files inside them (symlinks resolved).
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RunFileEntry, RunFiles } from '../../src-shared/bridge/protocol';

/** Path prefix of run-file downloads (the web host serves it). */
export const RUN_FILES_PATH = '/run-files/';

/** Most files listed per run (a Parquet dataset of a long run has many parts). */
const MAX_FILES = 2000;

interface Sample {
  at: number;
  total: number;
}

/** Lists and resolves the files of the session's runs. */
export class RunFileIndex {
  private readonly dirs: string[] = [];
  private samples: Sample[] = [];
  private current: string | null = null;

  constructor(
    private readonly urls: boolean,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Remembers a run directory this session created; returns its number (in download addresses). */
  note(dir: string): number {
    const abs = resolve(dir);
    let i = this.dirs.indexOf(abs);
    if (i < 0) i = this.dirs.push(abs) - 1;
    if (this.current !== abs) {
      this.current = abs;
      this.samples = [];
    }
    return i;
  }

  /** The files of `dir` (noted before) with sizes; growth from the previous listings (about the last 5 s). */
  async list(dir: string, active: boolean): Promise<RunFiles> {
    const n = this.note(dir);
    const abs = this.dirs[n];
    const files: RunFileEntry[] = [];
    await walk(abs, '', files);
    files.sort((a, b) => a.path.localeCompare(b.path));
    const total = files.reduce((s, f) => s + f.size, 0);
    if (this.urls) for (const f of files) f.url = `${RUN_FILES_PATH.slice(1)}${n}/${f.path.split('/').map(encodeURIComponent).join('/')}`;
    const at = this.now();
    this.samples = [...this.samples.filter((s) => at - s.at <= 5000), { at, total }];
    const first = this.samples[0];
    const growth = active && at - first.at >= 500 ? Math.max(0, ((total - first.total) * 1000) / (at - first.at)) : null;
    return { run_directory: abs, files, total, growth, active };
  }

  /** The absolute path of a file of run `n` at `rel`, or null when it is not a file inside one of this session's runs. */
  async resolve(n: number, rel: string): Promise<string | null> {
    const dir = this.dirs[n];
    if (dir === undefined || rel === '' || rel.includes('\0')) return null;
    const parts = rel.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) return null;
    try {
      const realDir = await realpath(dir);
      const file = await realpath(join(dir, ...parts));
      const r = relative(realDir, file);
      if (r === '' || r.startsWith('..') || isAbsolute(r) || !(file + sep).startsWith(realDir + sep)) return null;
      return (await stat(file)).isFile() ? file : null;
    } catch {
      return null;
    }
  }
}

async function walk(dir: string, prefix: string, out: RunFileEntry[]): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (out.length >= MAX_FILES) return;
    const path = prefix ? `${prefix}/${name}` : name;
    try {
      const st = await lstat(join(dir, name));
      if (st.isDirectory()) await walk(join(dir, name), path, out);
      else if (st.isFile()) out.push({ path, size: st.size });
    } catch {
      // removed while listing (a Parquet part renamed): the next listing has it
    }
  }
}
