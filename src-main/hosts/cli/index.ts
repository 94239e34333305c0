// The headless command line: `ringscope <command> [options]`.
// Each command lives in commands/<name>.ts and is registered in COMMANDS below.
import type { CliCommand } from './command';
import { packageVersion } from './package';

// Commands are loaded lazily so `ringscope --help` stays fast.
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  run: { summary: 'run a setup headless: acquisition, exports and run.json, no window', load: async () => (await import('./commands/run')).run },
  validate: { summary: 'check a setup file and the files it names; print every problem', load: async () => (await import('./commands/validate')).validate },
  serve: { summary: 'show the window in a web browser (browser mode)', load: async () => (await import('./commands/serve')).serve },
  recover: { summary: 'complete the run directory of a killed run: readable exports, run.json with end_reason killed', load: async () => (await import('./commands/recover')).recover },
  fit: { summary: 'fit the muon lifetime to a run’s decay times (unbinned maximum likelihood)', load: async () => (await import('./commands/fit')).fit },
};

function help(): string {
  const width = Math.max(8, ...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return `RingScope — data acquisition with shared-memory ring buffers

Usage: ringscope <command> [options]

Commands:
${lines.join('\n') || '  (none yet)'}

Options:
  -h, --help     show this help (also: ringscope <command> --help)
  -v, --version  print the version
`;
}

/** Runs the CLI with the given arguments and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(help());
    return 0;
  }
  if (cmd === '-v' || cmd === '--version') {
    process.stdout.write(`ringscope ${packageVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[cmd];
  if (!entry) {
    process.stderr.write(`ringscope: unknown command "${cmd}". Run "ringscope --help" for the list.\n`);
    return 2;
  }
  const command = await entry.load();
  return command(rest);
}
