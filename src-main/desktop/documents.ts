// File ▸ New, Save and Save As on setup files. New writes a small runnable
// setup from a template; Save writes the setup through SetupFile (comments,
// order and unknown keys kept); Save As writes a copy elsewhere with the
// relative paths of its config and module files rewritten to still point at
// the same files. The setup editor (issue 8) edits through the same SetupFile.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { SetupFile } from '../setup/setup-file';
import { isInside } from '../engine-host/output';

/** The setup File ▸ New creates: built-in functions only, so it runs as it is. */
export const NEW_SETUP_TEMPLATE = `# A new RingScope setup. As it stands it reads this computer's sensors once a
# second into a ring buffer and writes them to a CSV file; change the buffers and
# functions to build your own experiment (README: "Setup files").
title: New setup
description: CPU load, memory in use and battery charge, every second, to CSV.
output_directory: target        # run directories go here (relative to this file)

RingBuffer:
  - RB_1:
      number_of_slots: 16       # events the buffer holds
      channel_per_slot: 1       # values per field in one event
      data_type:
        1: [time, float64]
        2: [cpu, float64]
        3: [memory, float64]
        4: [battery, float64]

Functions:
  - Fkt_main: {runtime: 0, runevents: 0}   # 0: no limit (Stop ends the run)
  - Fkt_1:
      file_name: builtin:sources/sensors
      fkt_name: read_sensors
      num_process: 1
      RB_assign: {RB_1: write}
  - Fkt_2:
      file_name: builtin:sinks/csv
      fkt_name: save_to_txt
      num_process: 1
      RB_assign: {RB_1: read}
      config: {filename: sensors}

FunctionConfigs:
  read_sensors:
    dt: 1   # seconds between readings
`;

/** Writes a new setup from the template (creating its folder). */
export async function createSetup(path: string): Promise<string> {
  const target = resolve(path);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, NEW_SETUP_TEMPLATE, 'utf8');
  return target;
}

/** True when the setup lies where it cannot be saved (the packaged app's own examples). */
export function isReadOnlySetup(path: string, readOnlyRoots: readonly string[]): boolean {
  return readOnlyRoots.some((r) => isInside(path, r));
}

/** Writes the setup file back (through a temporary file; comments and order kept). */
export async function saveSetup(path: string): Promise<void> {
  const file = await SetupFile.open(path);
  await file.save();
}

/** Writes the setup to `target` with its relative input paths rewritten for the new folder. */
export async function saveSetupAs(from: string, target: string): Promise<string> {
  const to = resolve(target);
  if (to === resolve(from)) {
    await saveSetup(from);
    return to;
  }
  const file = await SetupFile.open(from);
  await mkdir(dirname(to), { recursive: true });
  await file.saveAs(to);
  return to;
}

/** The path Save As proposes in `dir`: the setup's file name, inside a folder named like its own for a generic setup.yaml. */
export function saveAsDefault(current: string | null, dir: string): string {
  if (!current) return resolve(dir, 'setup.yaml');
  const name = basename(current);
  return name === 'setup.yaml' ? resolve(dir, basename(dirname(current)), name) : resolve(dir, name);
}
