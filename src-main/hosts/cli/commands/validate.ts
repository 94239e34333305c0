// `ringscope validate <setup.yaml> [--json]`: every problem of a setup and the
// files it names, one line each, without starting anything.
import { parseArgs } from 'node:util';
import type { Problem } from '../../../../src-shared/setup/types';
import { loadSetup } from '../../../setup/load';
import type { CliCommand } from '../command';

const HELP = `Usage: ringscope validate <setup.yaml> [--json]

Checks a setup file and everything it names (config files, modules, built-ins)
and prints every problem at once, one per line:

  file:line:column: error|warning|note: what is wrong and what to do (at key.path)

Errors stop a run from starting; warnings and notes do not.

Options:
  --json      print one JSON object {file, ok, summary, problems} instead
  -h, --help  show this help

Exit status: 0 without errors, 1 with errors, 2 for a usage error.
`;

/** One problem as a line: "file:line:col: severity: message (at key.path)". */
export function formatProblem(p: Problem): string {
  const where = p.path ? ` (at ${p.path})` : '';
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message.replace(/\s*\n\s*/g, ' ')}${where}`;
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function usage(message: string): number {
  process.stderr.write(`ringscope validate: ${message}\n\n${HELP}`);
  return 2;
}

export const validate: CliCommand = async (argv) => {
  let args: { values: { json?: boolean; help?: boolean }; positionals: string[] };
  try {
    args = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  if (args.values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length === 0) return usage('name the setup file to check, e.g. "ringscope validate setup.yaml".');
  if (args.positionals.length > 1) return usage(`check one setup file at a time (got ${args.positionals.length}: ${args.positionals.join(', ')}).`);

  const file = args.positionals[0];
  const loaded = await loadSetup(file);
  const summary = {
    errors: loaded.problems.filter((p) => p.severity === 'error').length,
    warnings: loaded.problems.filter((p) => p.severity === 'warning').length,
    notes: loaded.problems.filter((p) => p.severity === 'note').length,
  };
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify({ file, ok: loaded.ok, summary, problems: loaded.problems }, null, 2)}\n`);
    return loaded.ok ? 0 : 1;
  }
  const lines = loaded.problems.map(formatProblem);
  const rest = [summary.warnings ? count(summary.warnings, 'warning') : '', summary.notes ? count(summary.notes, 'note') : ''].filter(Boolean).join(', ');
  if (loaded.ok) {
    const { buffers, functions } = loaded.setup;
    lines.push(`${file} is valid: ${count(buffers.length, 'buffer')}, ${count(functions.length, 'function')}${rest ? ` (${rest})` : ''}.`);
  } else {
    lines.push(`${file}: ${count(summary.errors, 'error')}${rest ? `, ${rest}` : ''}. Fix the errors before starting a run.`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return loaded.ok ? 0 : 1;
};
