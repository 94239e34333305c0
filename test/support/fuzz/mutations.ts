// The mutation generator of the bad-input corpus (e2e/bad-input.solo.test.ts):
// from any valid (or mimoCoRB) setup, setups with one thing broken each — a
// buffer's size or fields, a function's threads, assignment, module or config
// file, the file's structure — every one of which `validate` must refuse with
// file, line and key. It walks the setup's own buffers and functions, so a new
// example is fuzzed without listing it anywhere.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTINS } from '../../../src-shared/builtins/catalog';
import { deleteText, editText } from '../../../src-shared/setup/edit';
import { parseSetup } from '../../../src-shared/setup/parse';
import type { KeyPath } from '../../../src-shared/setup/types';

/** One bad setup: its text, and what else its folder needs (a FIFO, a bomb, a module). */
export interface Mutation {
  /** "RB_1.number_of_slots = -1": what was broken. */
  name: string;
  /** The kind of mutation (one per kind is kept first when a cap applies). */
  kind: string;
  text: string;
  /** Writes the extra files into the case's folder (a copy of the example's). */
  prepare?: (dir: string) => void;
}

/** Nested aliases of aliases: 9^7 values from a few hundred bytes. */
export const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]', 'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]', 'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]', ''].join('\n');

const RESERVED = ['constructor', 'toString', 'valueOf', '__proto__', 'hasOwnProperty'];

/** Top-level code of user modules that must never load quietly. */
export const BAD_MODULES: Record<string, string> = {
  exit: 'process.exit(0);',
  loop: 'for (;;) {}',
  throw: 'throw new RangeError("no detector attached");',
};

export const mkfifo = (path: string): void => void execFileSync('mkfifo', [path]);
const write = (dir: string, rel: string, text: string): void => {
  mkdirSync(join(dir, rel, '..'), { recursive: true });
  writeFileSync(join(dir, rel), text);
};

/** Every mutation of one setup text, in a fixed order (kinds interleaved: buffers, functions, file). */
export function mutations(text: string): Mutation[] {
  const { setup, paths, source } = parseSetup(text);
  if (source.broken) return [];
  const out: Mutation[] = [];
  const tryEdit = (kind: string, name: string, edit: () => string, prepare?: Mutation['prepare']): void => {
    let t: string;
    try {
      t = edit();
    } catch {
      return; // a path this setup does not have in that shape
    }
    if (t !== text) out.push({ kind, name, text: t, ...(prepare ? { prepare } : {}) });
  };
  const set = (path: KeyPath, value: unknown) => () => editText(text, path, value);

  setup.buffers.forEach((b, i) => {
    const P = paths.buffers[b.name];
    if (!P) return;
    tryEdit('slots-negative', `${b.name}.number_of_slots = -1`, set([...P, 'number_of_slots'], -1));
    tryEdit('slots-text', `${b.name}.number_of_slots = "many"`, set([...P, 'number_of_slots'], 'many'));
    tryEdit('slots-over', `${b.name}.number_of_slots = 70000`, set([...P, 'number_of_slots'], 70_000));
    tryEdit('samples-zero', `${b.name}.channel_per_slot = 0`, set([...P, 'channel_per_slot'], 0));
    tryEdit('buffer-memory', `${b.name} 65536 slots × 16777216 samples`, () => editText(editText(text, [...P, 'number_of_slots'], 65_536), [...P, 'channel_per_slot'], 16_777_216));
    tryEdit('no-data-type', `${b.name} without data_type`, () => deleteText(text, [...P, 'data_type']));
    const reserved = RESERVED[i % RESERVED.length];
    const firstKey = firstFieldKey(text, [...P, 'data_type']);
    if (firstKey !== null) {
      tryEdit('field-reserved', `${b.name} field named ${reserved}`, set([...P, 'data_type', firstKey, 0], reserved));
      tryEdit('dtype-bad', `${b.name} field dtype float16`, set([...P, 'data_type', firstKey, 1], 'float16'));
    } else {
      tryEdit('dtype-bad', `${b.name} data_type float16`, set([...P, 'data_type'], 'float16'));
    }
  });

  setup.functions.forEach((f) => {
    const F = paths.functions[f.name];
    if (!F) return;
    tryEdit('np-huge', `${f.name}.num_process = 1000000`, set([...F, 'num_process'], 1_000_000));
    tryEdit('np-zero', `${f.name}.num_process = 0`, set([...F, 'num_process'], 0));
    const first = f.assign[0];
    if (first) tryEdit('assign-typo', `${f.name} RB_assign ${first.buffer}: wrte`, set([...F, 'RB_assign', first.buffer], 'wrte'));
    tryEdit('assign-unknown', `${f.name} RB_assign RB_99: read`, set([...F, 'RB_assign', 'RB_99'], 'read'));
    tryEdit('on-error', `${f.name}.on_error = explode`, set([...F, 'on_error'], 'explode'));
    tryEdit('config-missing', `${f.name}.config_file missing`, set([...F, 'config_file'], 'fuzz/no_such_config.yaml'));
    tryEdit('config-fifo', `${f.name}.config_file a FIFO`, set([...F, 'config_file'], 'fuzz_fifo.yaml'), (d) => mkfifo(join(d, 'fuzz_fifo.yaml')));
    tryEdit('config-device', `${f.name}.config_file /dev/zero`, set([...F, 'config_file'], '/dev/zero'));
    tryEdit('config-bomb', `${f.name}.config_file an alias bomb`, set([...F, 'config_file'], 'fuzz_bomb.yaml'), (d) => write(d, 'fuzz_bomb.yaml', ALIAS_BOMB));
    tryEdit('config-folder', `${f.name}.config_file a folder`, set([...F, 'config_file'], '.'));
    if (f.builtin !== null) {
      tryEdit('file-missing', `${f.name} unknown built-in`, set([...F, 'file_name'], 'builtin:sources/no_such_source'));
      const param = BUILTINS[f.builtin]?.params.find((p) => p.type === 'number' || p.type === 'integer');
      if (param) tryEdit('builtin-param', `${f.name} ${param.name}: "fast"`, set([...F, 'config', param.name], 'fast'));
    } else {
      tryEdit('file-missing', `${f.name} module missing`, set([...F, 'file_name'], 'fuzz/no_such_module'));
      tryEdit('fkt-missing', `${f.name}.fkt_name not exported`, set([...F, 'fkt_name'], 'no_such_function'));
      for (const [what, top] of Object.entries(BAD_MODULES)) {
        const rel = `fuzz_${what}_${f.name}.mjs`;
        tryEdit(`module-${what}`, `${f.name} module with ${top}`, set([...F, 'file_name'], rel), (d) =>
          write(d, rel, `console.log('loading');\n${top}\nexport function ${f.fkt_name}(io) { return io.sink(() => {}); }\n`),
        );
      }
    }
  });

  if (paths.main) tryEdit('runevents-negative', 'Fkt_main.runevents = -5', set([...paths.main, 'runevents'], -5));
  tryEdit('no-ringbuffer', 'without RingBuffer:', () => deleteText(text, ['RingBuffer']));
  tryEdit('no-functions', 'without Functions:', () => deleteText(text, ['Functions']));
  tryEdit('syntax', 'an unclosed [ at the end', () => `${text.trimEnd()}\nbroken: [1, 2\n`);
  tryEdit('cr-only', 'CR-only line endings and number_of_slots: -1', () => {
    const b = setup.buffers[0];
    const P = b && paths.buffers[b.name];
    if (!P) throw new Error('no buffer');
    return editText(text, [...P, 'number_of_slots'], -1).replace(/\r?\n/g, '\r');
  });
  tryEdit('tab-indent', 'a tab as indentation', () => text.replace(/\n( {2,})([^\s#])/, (_, sp: string, c: string) => `\n\t${sp.slice(2)}${c}`));
  return out;
}

/** The key of the first field of a data_type mapping (1, '1' …), or null when it is one dtype for the event. */
function firstFieldKey(text: string, path: KeyPath): string | number | null {
  const node = parseSetup(text).doc.getIn(path, true) as { items?: Array<{ key?: { value?: unknown } }> } | undefined;
  const key = node?.items?.[0]?.key?.value;
  return typeof key === 'number' || typeof key === 'string' ? key : null;
}

/**
 * At most `cap` mutations, each kind once before any kind twice, the kinds taken in their
 * order rotated by `offset` (so that capped setups between them cover every kind).
 */
export function spread(all: Mutation[], cap: number, offset = 0): Mutation[] {
  const byKind = new Map<string, Mutation[]>();
  for (const m of all) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  const lists = [...byKind.values()];
  const start = lists.length ? offset % lists.length : 0;
  const kinds = [...lists.slice(start), ...lists.slice(0, start)];
  const out: Mutation[] = [];
  for (let round = 0; out.length < cap; round++) {
    let added = false;
    for (const list of kinds) {
      if (round < list.length && out.length < cap) {
        out.push(list[round]);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}
