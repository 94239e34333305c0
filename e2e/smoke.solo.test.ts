import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary } from '../test/support/electron-binary';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'ringscope.mjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('build output', () => {
  it('has main, a CommonJS preload, a renderer page and a worker entry', () => {
    for (const f of ['out/main/index.js', 'out/main/cli.js', 'out/main/worker.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      expect(existsSync(join(root, f)), f).toBe(true);
    }
    const preload = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
    expect(preload).toMatch(/require\(["']electron["']\)/);
    expect(preload).not.toMatch(/^\s*import\s/m);
    const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
    const script = html.match(/src="\.?\/?(assets\/[^"]+\.js)"/);
    expect(script, 'renderer page references its script').not.toBeNull();
    expect(existsSync(join(root, 'out/renderer', script![1]))).toBe(true);
  });
});

describe('ringscope bin', () => {
  it('prints its version', () => {
    const out = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(out.trim()).toBe(`ringscope ${pkg.version}`);
  });

  it('prints help that lists the options', () => {
    const out = execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: ringscope <command>');
    expect(out).toContain('--version');
  });

  it('rejects an unknown command with a clear message and exit code 2', () => {
    const r = spawnSync(process.execPath, [bin, 'frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('Electron', () => {
  it('has its binary on disk (never launched here)', (ctx) => {
    const found = electronBinary();
    if ('missing' in found) ctx.skip(found.missing);
    else expect(existsSync(found.path)).toBe(true);
  });
});
