// The headless command line: `ringscope <command> [options]`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package version, read from package.json (two folders up from src-main/cli and out/main). */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8'));
      if (pkg.name === 'ringscope') return String(pkg.version);
    } catch {
      // try the next candidate
    }
  }
  return 'unknown';
}

const HELP = `RingScope — data acquisition with shared-memory ring buffers

Usage: ringscope <command> [options]

Commands:
  (the engine commands arrive with their issues: run, validate, fit, serve)

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

/** Runs the CLI with the given arguments and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (cmd === '-v' || cmd === '--version') {
    process.stdout.write(`ringscope ${packageVersion()}\n`);
    return 0;
  }
  process.stderr.write(`ringscope: unknown command "${cmd}". Run "ringscope --help" for the list.\n`);
  return 2;
}
