import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSetup } from '../setup';
import { createSetup, isReadOnlySetup, NEW_SETUP_TEMPLATE, saveAsDefault, saveSetup, saveSetupAs } from './documents';
import { isExample, listExamples } from './examples';

const root = join(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'ringscope-documents-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('File ▸ New', () => {
  it('writes a template setup that loads without errors (built-ins only) and creates its folder', async () => {
    const path = await createSetup(join(tmp, 'new', 'deep', 'setup.yaml'));
    expect(readFileSync(path, 'utf8')).toBe(NEW_SETUP_TEMPLATE);
    const loaded = await loadSetup(path);
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(loaded.ok).toBe(true);
  });
});

describe('Save and Save As', () => {
  it('Save As copies a setup elsewhere with its config file still found; Save keeps the text', async () => {
    const dir = join(tmp, 'muon-copy');
    const target = join(dir, 'my-muon.yaml');
    const written = await saveSetupAs(join(root, 'examples', 'muon', 'setup.yaml'), target);
    expect(written).toBe(target);
    const text = readFileSync(target, 'utf8');
    expect(text).toContain('# The muon-lifetime experiment');
    expect(text).toMatch(/config_file: \S*examples\/muon\/config\/muon_config\.yaml/);
    const loaded = await loadSetup(target);
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    await saveSetup(target);
    expect(readFileSync(target, 'utf8')).toBe(text);
  });

  it('Save As to the same file only saves it', async () => {
    mkdirSync(join(tmp, 'same'), { recursive: true });
    const f = join(tmp, 'same', 'setup.yaml');
    copyFileSync(join(root, 'examples', 'sensors', 'setup.yaml'), f);
    const before = readFileSync(f, 'utf8');
    expect(await saveSetupAs(f, f)).toBe(f);
    expect(readFileSync(f, 'utf8')).toBe(before);
  });

  it('treats setups under read-only roots as read-only and proposes a copy in its own folder', () => {
    expect(isReadOnlySetup('/opt/RingScope/resources/examples/muon/setup.yaml', ['/opt/RingScope/resources'])).toBe(true);
    expect(isReadOnlySetup('/opt/RingScope/resources2/x.yaml', ['/opt/RingScope/resources'])).toBe(false);
    expect(saveAsDefault('/opt/app/examples/muon/setup.yaml', '/home/ana/Documents/RingScope')).toBe('/home/ana/Documents/RingScope/muon/setup.yaml');
    expect(saveAsDefault('/lab/spin.yaml', '/docs')).toBe('/docs/spin.yaml');
    expect(saveAsDefault(null, '/docs')).toBe('/docs/setup.yaml');
  });
});

describe('examples', () => {
  it('lists the shipped examples with their titles, sorted', () => {
    const ex = listExamples(join(root, 'examples'));
    const muon = ex.find((e) => e.path === join(root, 'examples', 'muon', 'setup.yaml'));
    expect(muon?.title).toBe('Muon lifetime (simulated detector)');
    expect(ex.map((e) => e.title)).toEqual([...ex.map((e) => e.title)].sort((a, b) => a.localeCompare(b)));
    expect(ex.length).toBeGreaterThanOrEqual(4);
    expect(isExample(ex, muon!.path)).toBe(true);
    expect(isExample(ex, '/etc/passwd')).toBe(false);
    expect(listExamples(null)).toEqual([]);
    expect(listExamples(join(tmp, 'nowhere'))).toEqual([]);
  });
});
