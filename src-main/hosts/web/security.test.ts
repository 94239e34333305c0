import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSetupConfinement, isLoopback, loopbackHostHeader, newToken, sameOrigin, tokenMatches } from './security';

describe('access token', () => {
  it('is long, URL-safe and different each time', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(a);
  });

  it('matches only the exact token, whatever the length presented', () => {
    const t = newToken();
    expect(tokenMatches(t, t)).toBe(true);
    expect(tokenMatches(t.slice(1), t)).toBe(false);
    expect(tokenMatches(t + 'x', t)).toBe(false);
    expect(tokenMatches('', t)).toBe(false);
    expect(tokenMatches(null, t)).toBe(false);
  });
});

describe('addresses', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '192.168.1.2', '::', 'example.org']) expect(isLoopback(h), h).toBe(false);
  });

  it('accepts loopback Host headers only (DNS rebinding)', () => {
    expect(loopbackHostHeader('127.0.0.1:8170')).toBe(true);
    expect(loopbackHostHeader('localhost:1')).toBe(true);
    expect(loopbackHostHeader('[::1]:80')).toBe(true);
    expect(loopbackHostHeader('evil.example:8170')).toBe(false);
    expect(loopbackHostHeader(undefined)).toBe(false);
  });

  it('accepts no Origin or the same origin, nothing else (cross-site WebSockets)', () => {
    expect(sameOrigin(undefined, '127.0.0.1:5')).toBe(true);
    expect(sameOrigin('http://127.0.0.1:5', '127.0.0.1:5')).toBe(true);
    expect(sameOrigin('http://evil.example', '127.0.0.1:5')).toBe(false);
    expect(sameOrigin('null', '127.0.0.1:5')).toBe(false);
  });
});

describe('setup confinement', () => {
  const root = mkdtempSync(join(tmpdir(), 'rs-confine-'));
  const served = join(root, 'served');
  const outside = join(root, 'outside');
  mkdirSync(join(served, 'lab', 'modules'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(served, 'lab', 'modules', 'mine.js'), 'export function mine() {}');
  writeFileSync(join(outside, 'theirs.js'), 'export function theirs() {}');
  symlinkSync(join(outside, 'theirs.js'), join(served, 'lab', 'modules', 'link.js'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const p = join(served, 'lab', name);
    writeFileSync(p, text);
    return p;
  };

  it('accepts built-ins and modules inside the setup folder', async () => {
    const p = write(
      'ok.yaml',
      `Functions:
  - Fkt_1: {file_name: builtin:sources/muon, fkt_name: muon}
  - Fkt_2: {file_name: modules/mine, fkt_name: mine}
`,
    );
    expect(await checkSetupConfinement(p, [served])).toEqual([]);
  });

  it('refuses a module outside the setup folder, naming the line', async () => {
    const p = write(
      'escape.yaml',
      `# a comment
Functions:
  - Fkt_1: {file_name: builtin:sources/muon, fkt_name: muon}
  - Fkt_2:
      file_name: ../../outside/theirs
      fkt_name: theirs
`,
    );
    const problems = await checkSetupConfinement(p, [served]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ severity: 'error', line: 5, column: 18, path: 'Functions.Fkt_2.file_name' });
    expect(problems[0].message).toContain('Fkt_2 loads the module "../../outside/theirs" from outside');
  });

  it('follows symlinks out of the folder', async () => {
    const p = write('link.yaml', 'Functions:\n  - Fkt_2: {file_name: modules/link.js, fkt_name: theirs}\n');
    expect(await checkSetupConfinement(p, [served])).toHaveLength(1);
  });

  it('refuses a setup outside the roots', async () => {
    const p = join(outside, 'setup.yaml');
    writeFileSync(p, 'Functions: []\n');
    const problems = await checkSetupConfinement(p, [served]);
    expect(problems[0].message).toContain('only opens setups inside');
  });
});
