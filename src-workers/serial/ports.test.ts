import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listPorts, scanDev } from './ports';

const dev = mkdtempSync(join(tmpdir(), 'ringscope-dev-'));
afterAll(() => rmSync(dev, { recursive: true, force: true }));
for (const n of ['ttyACM0', 'ttyUSB1', 'ttyS0', 'tty1', 'null']) writeFileSync(join(dev, n), '');
mkdirSync(join(dev, 'serial', 'by-id'), { recursive: true });
symlinkSync(join(dev, 'ttyACM0'), join(dev, 'serial', 'by-id', 'usb-Arduino_LLC_Arduino_Uno_7553-if00'));

describe('listPorts', () => {
  it("gives the OS listing's ports with their descriptions", async () => {
    const list = async () => [
      { path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', serialNumber: '7553', vendorId: '2341', productId: '0043', pnpId: 'usb-Arduino_7553-if00' },
      { path: '' },
    ];
    expect(await listPorts({ list, platform: 'linux' })).toEqual({
      ports: [{ path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', serialNumber: '7553', vendorId: '2341', productId: '0043', byId: '/dev/serial/by-id/usb-Arduino_7553-if00' }],
    });
  });

  it('without udevadm (no udev package) falls back to a /dev scan and says how to get the full list', async () => {
    const list = async () => {
      throw Object.assign(new Error('spawn udevadm ENOENT'), { code: 'ENOENT' });
    };
    const r = await listPorts({ list, platform: 'linux', devDir: dev });
    expect(r.warning).toMatch(/needs udevadm \(Debian\/Ubuntu: sudo apt-get install udev\)/);
    expect(r.ports).toEqual([{ path: join(dev, 'ttyACM0'), byId: join(dev, 'serial', 'by-id', 'usb-Arduino_LLC_Arduino_Uno_7553-if00') }, { path: join(dev, 'ttyUSB1') }]);
  });

  it('never rejects, whatever the listing does', async () => {
    const r = await listPorts({ list: () => Promise.reject(new Error('boom')), platform: 'win32' });
    expect(r).toEqual({ ports: [], warning: expect.stringContaining('boom') });
    expect(scanDev(join(dev, 'nope'))).toEqual([]);
  });

  it('runs against the real system listing', async () => {
    const r = await listPorts();
    expect(Array.isArray(r.ports)).toBe(true);
  });
});
