// Why a serial port could not be opened, in words a student can act on:
// not found (with the ports that do exist), busy (another program has it),
// permission denied (on Linux: the group to join).
import { readFileSync, statSync } from 'node:fs';

export type OpenFailure = 'not-found' | 'busy' | 'permission' | 'other';

/** Classifies an open error of serialport (any platform's wording, or an errno code). */
export function classifyOpenError(err: unknown, platform: NodeJS.Platform = process.platform): OpenFailure {
  const e = err as { message?: string; code?: string } | null;
  const msg = `${e?.code ?? ''} ${e?.message ?? String(err)}`.toLowerCase();
  if (/enoent|no such file|not found|does not exist|cannot find the file/.test(msg)) return 'not-found';
  if (/ebusy|eagain|resource busy|cannot lock|is locked|temporarily unavailable|in use/.test(msg)) return 'busy';
  // On Windows "access denied" is what a port already open in another program reports.
  if (/access (is )?denied/.test(msg) && platform === 'win32') return 'busy';
  if (/eacces|eperm|permission denied|access (is )?denied|not permitted/.test(msg)) return 'permission';
  return 'other';
}

/** The group owning a device file and whether this process is in it (Linux, macOS); null where unknown. */
export function deviceGroup(path: string, groupFile = '/etc/group'): { name: string; gid: number; member: boolean; listed: boolean } | null {
  try {
    const gid = statSync(path).gid;
    let name = String(gid);
    let listed = false;
    const user = process.env.USER ?? process.env.LOGNAME ?? '';
    try {
      for (const line of readFileSync(groupFile, 'utf8').split('\n')) {
        const [gname, , id, members] = line.split(':');
        if (Number(id) === gid) {
          name = gname;
          listed = user !== '' && (members ?? '').split(',').includes(user);
        }
      }
    } catch {
      // No group file (e.g. a container): the number will do.
    }
    const member = typeof process.getgroups === 'function' && process.getgroups().includes(gid);
    return { name, gid, member, listed };
  } catch {
    return null;
  }
}

export interface OpenErrorContext {
  platform?: NodeJS.Platform;
  /** Ports that exist, for "not found" (from listPorts). */
  available?: string[];
  /** Looks up the device's group (injectable for tests). */
  group?: (path: string) => ReturnType<typeof deviceGroup>;
}

/** The message for a port that cannot be opened: names the port, the reason and what to do. */
export function describeOpenError(path: string, err: unknown, ctx: OpenErrorContext = {}): string {
  const platform = ctx.platform ?? process.platform;
  const raw = err instanceof Error ? err.message : String(err);
  switch (classifyOpenError(err, platform)) {
    case 'not-found': {
      const list = ctx.available ?? [];
      const avail = list.length ? ` Ports found: ${list.join(', ')}.` : ' No serial ports were found: is the device plugged in (and its driver installed)?';
      return `serial port ${path} not found.${avail} Set "port" to one of them.`;
    }
    case 'busy':
      return `serial port ${path} is busy: another program has it open (an Arduino IDE serial monitor or plotter, another RingScope run, screen or minicom). Close that program and start again.`;
    case 'permission': {
      if (platform === 'linux') {
        const g = (ctx.group ?? deviceGroup)(path);
        const name = g?.name ?? 'dialout';
        if (g && g.listed && !g.member) {
          return `permission denied for serial port ${path}: you were added to group "${name}" but this session started before; log out and back in (or reboot).`;
        }
        return `permission denied for serial port ${path}: it belongs to group "${name}". Join it with \`sudo usermod -aG ${name} $USER\`, then log out and back in.`;
      }
      if (platform === 'darwin') return `permission denied for serial port ${path}: use the /dev/cu.* device and check that no security software blocks it (${raw}).`;
      return `permission denied for serial port ${path} (${raw}).`;
    }
    default:
      return `serial port ${path} could not be opened: ${raw}`;
  }
}
