import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RecentFiles } from './recent-files';

const tmp = mkdtempSync(join(tmpdir(), 'ringscope-recent-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('RecentFiles', () => {
  it('keeps the newest first without duplicates, at most max, and persists across loads', () => {
    const file = join(tmp, 'recent-files.json');
    const r = RecentFiles.load(file, { max: 3, exists: () => true });
    expect(r.list()).toEqual([]);
    const seen: string[][] = [];
    r.onChange((f) => seen.push(f));
    r.add('/lab/a.yaml');
    r.add('/lab/b.yaml');
    r.add('/lab/a.yaml');
    r.add('/lab/c.yaml');
    r.add('/lab/d.yaml');
    expect(r.list()).toEqual(['/lab/d.yaml', '/lab/c.yaml', '/lab/a.yaml']);
    expect(seen.at(-1)).toEqual(['/lab/d.yaml', '/lab/c.yaml', '/lab/a.yaml']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, files: ['/lab/d.yaml', '/lab/c.yaml', '/lab/a.yaml'] });
    expect(RecentFiles.load(file, { max: 3, exists: () => true }).list()).toEqual(['/lab/d.yaml', '/lab/c.yaml', '/lab/a.yaml']);
    r.remove('/lab/c.yaml');
    expect(r.list()).toEqual(['/lab/d.yaml', '/lab/a.yaml']);
    r.clear();
    expect(RecentFiles.load(file).list()).toEqual([]);
  });

  it('offers only files that exist, but remembers the others', () => {
    const file = join(tmp, 'exists.json');
    const present = new Set(['/lab/a.yaml']);
    const r = RecentFiles.load(file, { exists: (p) => present.has(p) });
    r.add('/usb/b.yaml');
    r.add('/lab/a.yaml');
    expect(r.list()).toEqual(['/lab/a.yaml']);
    present.add('/usb/b.yaml');
    expect(r.list()).toEqual(['/lab/a.yaml', '/usb/b.yaml']);
  });

  it('stores absolute paths, folds case where paths are case-insensitive, and survives a damaged file', () => {
    const file = join(tmp, 'case.json');
    const r = RecentFiles.load(file, { caseInsensitive: true, exists: () => true });
    r.add('C:/Lab/Setup.yaml');
    r.add('c:/lab/setup.yaml');
    expect(r.list()).toHaveLength(1);
    const rel = RecentFiles.load(join(tmp, 'rel.json'), { exists: () => true });
    rel.add('examples/muon/setup.yaml');
    expect(rel.list()[0]).toBe(join(process.cwd(), 'examples/muon/setup.yaml'));

    const broken = join(tmp, 'broken.json');
    writeFileSync(broken, '[1,2');
    const b = RecentFiles.load(broken);
    expect(b.list()).toEqual([]);
    expect(b.problems).toEqual([`${broken} is not valid JSON; starting afresh`]);
    writeFileSync(broken, '{"files": "nope"}');
    expect(RecentFiles.load(broken).problems).toEqual([`${broken}: no "files" list; starting with none`]);
  });
});
