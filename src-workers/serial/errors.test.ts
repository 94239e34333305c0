import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyOpenError, describeOpenError, deviceGroup } from './errors';

const dir = mkdtempSync(join(tmpdir(), 'ringscope-serial-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classifyOpenError', () => {
  it("understands each platform's wording", () => {
    expect(classifyOpenError(new Error('Error: No such file or directory, cannot open /dev/ttyUSB0'), 'linux')).toBe('not-found');
    expect(classifyOpenError(new Error('Opening COM7: File not found'), 'win32')).toBe('not-found');
    expect(classifyOpenError(new Error('Error Resource temporarily unavailable Cannot lock port'), 'linux')).toBe('busy');
    expect(classifyOpenError(new Error('Error: Resource busy, cannot open /dev/cu.usbmodem1'), 'darwin')).toBe('busy');
    expect(classifyOpenError(new Error('Opening COM3: Access denied'), 'win32')).toBe('busy');
    expect(classifyOpenError(new Error('Error: Permission denied, cannot open /dev/ttyACM0'), 'linux')).toBe('permission');
    expect(classifyOpenError(Object.assign(new Error('x'), { code: 'EACCES' }), 'linux')).toBe('permission');
    expect(classifyOpenError(new Error('Error: Invalid argument, cannot open /dev/ttyS0'), 'linux')).toBe('other');
  });
});

describe('describeOpenError', () => {
  it('not found: lists the ports that exist, or says none were found', () => {
    const err = new Error('Error: No such file or directory, cannot open /dev/ttyUSB0');
    expect(describeOpenError('/dev/ttyUSB0', err, { available: ['/dev/ttyACM0', '/dev/ttyACM1'] })).toBe(
      'serial port /dev/ttyUSB0 not found. Ports found: /dev/ttyACM0, /dev/ttyACM1. Set "port" to one of them.',
    );
    expect(describeOpenError('/dev/ttyUSB0', err, { available: [] })).toMatch(/No serial ports were found: is the device plugged in/);
  });

  it('permission on Linux: the group to join, or to log in again when already added', () => {
    const err = new Error('Error: Permission denied, cannot open /dev/ttyACM0');
    const group = (member: boolean, listed: boolean) => () => ({ name: 'dialout', gid: 20, member, listed });
    expect(describeOpenError('/dev/ttyACM0', err, { platform: 'linux', group: group(false, false) })).toBe(
      'permission denied for serial port /dev/ttyACM0: it belongs to group "dialout". Join it with `sudo usermod -aG dialout $USER`, then log out and back in.',
    );
    expect(describeOpenError('/dev/ttyACM0', err, { platform: 'linux', group: group(false, true) })).toMatch(/you were added to group "dialout" but this session started before; log out and back in/);
    expect(describeOpenError('/dev/ttyACM0', err, { platform: 'linux', group: () => null })).toMatch(/group "dialout"/);
  });

  it('busy: says which programs usually hold a port', () => {
    expect(describeOpenError('COM3', new Error('Opening COM3: Access denied'), { platform: 'win32' })).toMatch(/^serial port COM3 is busy: another program has it open \(an Arduino IDE serial monitor/);
  });

  it('anything else: the port and the system message', () => {
    expect(describeOpenError('/dev/ttyS0', new Error('Error: Invalid argument, cannot open /dev/ttyS0'))).toBe(
      'serial port /dev/ttyS0 could not be opened: Error: Invalid argument, cannot open /dev/ttyS0',
    );
  });
});

describe('deviceGroup', () => {
  it("reads the device's group name from the group file and whether the user is listed in it", () => {
    const dev = join(dir, 'ttyFAKE');
    writeFileSync(dev, '');
    const gid = (process.getgid?.() ?? 0);
    const groups = join(dir, 'group');
    writeFileSync(groups, `root:x:0:\nlabusers:x:${gid}:alice,${process.env.USER ?? 'nobody'}\n`);
    const g = deviceGroup(dev, groups);
    expect(g).toMatchObject({ name: 'labusers', gid, member: true });
    expect(deviceGroup(join(dir, 'missing'), groups)).toBeNull();
  });
});
