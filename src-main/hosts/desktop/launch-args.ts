// The setup file a launch names: `ringscope-desktop muon.yaml`, "Open with…",
// or a second launch whose file the running instance opens.
import { resolve } from 'node:path';

const SETUP_FILE = /\.ya?ml$/i;

/**
 * The first YAML file among the command-line arguments, as an absolute path,
 * or null. Skips the executable (and the app path when run as `electron .`)
 * and every switch: Chromium adds its own to a second instance's arguments.
 */
export function setupFileArg(argv: readonly string[], cwd: string, opts: { defaultApp: boolean }): string | null {
  for (const arg of argv.slice(opts.defaultApp ? 2 : 1)) {
    if (arg.startsWith('-')) continue;
    if (SETUP_FILE.test(arg)) return resolve(cwd, arg);
  }
  return null;
}

/** What a second instance hands to the first one (app.requestSingleInstanceLock's additional data). */
export interface SecondInstanceData {
  setup: string | null;
}

/** The setup a second launch asks the running instance to open: its own reading of its arguments, else ours. */
export function secondInstanceSetup(
  data: unknown,
  argv: readonly string[],
  workingDirectory: string,
  opts: { defaultApp: boolean },
): string | null {
  const setup = (data as Partial<SecondInstanceData> | null | undefined)?.setup;
  if (typeof setup === 'string' && setup.length > 0) return resolve(workingDirectory, setup);
  return setupFileArg(argv, workingDirectory, opts);
}
