// The serial ports a user can pick in the UI. serialport lists them through
// the OS (on Linux by running `udevadm`, from the udev package); where that
// fails, a scan of /dev for the usual device names stands in, so the list is
// never empty just because a tool is missing. Any path can still be typed
// (pseudo-terminals and symlinks are never listed).
import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { SerialPortEntry } from '../../src-shared/bridge/protocol';

/** One port the UI can offer (the bridge's SerialPortEntry: path, maker, USB ids, serial number, by-id name). */
export type PortEntry = SerialPortEntry;

export interface PortList {
  ports: PortEntry[];
  /** Set when the OS listing failed and the list comes from a /dev scan. */
  warning?: string;
}

type RawPort = { path: string; manufacturer?: string; serialNumber?: string; vendorId?: string; productId?: string; pnpId?: string };

export interface ListOptions {
  /** The OS listing (serialport's SerialPort.list); injectable for tests. */
  list?: () => Promise<RawPort[]>;
  platform?: NodeJS.Platform;
  /** Where devices live (tests point this at a temporary directory). */
  devDir?: string;
}

const DEV_NAMES = /^(ttyUSB\d+|ttyACM\d+|ttyAMA\d+|ttyXRUSB\d+|ttyWCH\d+|rfcomm\d+|cu\..+)$/;

async function osList(): Promise<RawPort[]> {
  const { SerialPort } = await import('serialport');
  return SerialPort.list();
}

/** Scans a /dev directory for USB/ACM serial devices and their /dev/serial/by-id names. */
export function scanDev(devDir = '/dev'): PortEntry[] {
  let names: string[] = [];
  try {
    names = readdirSync(devDir).filter((n) => DEV_NAMES.test(n));
  } catch {
    return [];
  }
  const byId = new Map<string, string>();
  try {
    const dir = join(devDir, 'serial', 'by-id');
    for (const n of readdirSync(dir)) {
      try {
        byId.set(realpathSync(join(dir, n)), join(dir, n));
      } catch {
        // A dangling link: the device just went away.
      }
    }
  } catch {
    // No by-id directory (no USB serial devices, or not Linux).
  }
  return names.sort().map((n) => {
    const path = join(devDir, n);
    let real = path;
    try {
      real = realpathSync(path);
    } catch {
      // Keep the path as listed.
    }
    const id = byId.get(real);
    return id ? { path, byId: id } : { path };
  });
}

/** The serial ports of this machine for the UI's port picker; never rejects. */
export async function listPorts(options: ListOptions = {}): Promise<PortList> {
  const platform = options.platform ?? process.platform;
  try {
    const raw = await (options.list ?? osList)();
    const ports = raw
      .filter((p) => p.path)
      .map((p) => {
        const e: PortEntry = { path: p.path };
        if (p.manufacturer) e.manufacturer = p.manufacturer;
        if (p.serialNumber) e.serialNumber = p.serialNumber;
        if (p.vendorId) e.vendorId = p.vendorId;
        if (p.productId) e.productId = p.productId;
        if (p.pnpId && platform === 'linux') e.byId = `/dev/serial/by-id/${p.pnpId}`;
        return e;
      });
    return { ports };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const missingUdev = platform === 'linux' && /udevadm|ENOENT/.test(`${(err as { code?: string }).code ?? ''} ${why}`);
    const warning = missingUdev
      ? 'listing serial ports needs udevadm (Debian/Ubuntu: sudo apt-get install udev); showing the devices found in /dev instead'
      : `the system could not list serial ports (${why}); showing the devices found in /dev instead`;
    return { ports: platform === 'win32' ? [] : scanDev(options.devDir), warning };
  }
}

/** The paths of listPorts, for error messages ("Ports found: …"). */
export async function availablePaths(options: ListOptions = {}): Promise<string[]> {
  return (await listPorts(options)).ports.map((p) => p.path);
}
