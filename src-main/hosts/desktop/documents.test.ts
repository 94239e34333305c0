import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isReadOnlySetup, saveAsDefault, saveDialogPath } from './documents';
import { isExample, listExamples } from './examples';

const root = join(import.meta.dirname, '..', '..', '..');

describe('where Save As proposes to save', () => {
  const opts = { cwd: '/home/ana/lab', documentsDir: '/home/ana/Documents', readOnlyRoots: ['/app/examples'] };

  it('keeps a setup where it is, puts new setups and copies of examples into Documents/RingScope', () => {
    expect(saveDialogPath('muon/setup.yaml', opts)).toBe('/home/ana/lab/muon/setup.yaml');
    expect(saveDialogPath('/data/spin.yaml', opts)).toBe('/data/spin.yaml');
    expect(saveDialogPath('setup.yaml', opts)).toBe('/home/ana/Documents/RingScope/setup.yaml');
    expect(saveDialogPath('muon.yaml', opts)).toBe('/home/ana/Documents/RingScope/muon.yaml');
    expect(saveDialogPath('', opts)).toBe('/home/ana/Documents/RingScope/setup.yaml');
    expect(saveDialogPath('/app/examples/muon/setup.yaml', opts)).toBe('/home/ana/Documents/RingScope/muon/setup.yaml');
  });

  it('knows read-only folders and names a copy after its folder', () => {
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
    expect(listExamples(join(root, 'nowhere'))).toEqual([]);
  });
});
