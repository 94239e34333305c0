// @vitest-environment jsdom
// The serial source's port field in the setup form: it asks the host for its
// ports, offers them with what each device says it is, writes a picked one
// into the YAML, and says plainly when none were found or the list may be short.
import '../../../test/support/renderer/jsdom-stubs';
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { hello as fixtureHello, setup as fixtureSetup } from '../../../test/support/renderer/fixtures';
import { mount, type Mounted } from '../../../test/support/renderer/render';
import { SetupEditor } from '../panels/SetupEditor';
import { describePort } from './PortInput';

const TEXT = `RingBuffer:
  - RB_1: {number_of_slots: 16, channel_per_slot: 1, data_type: {1: [u, float64]}}
Functions:
  - Fkt_1:
      file_name: builtin:sources/serial
      fkt_name: serial_source
      RB_assign: {RB_1: write}
      config: {port: /dev/ttyUSB9, baudRate: 115200}
  - Fkt_2:
      file_name: builtin:sinks/csv
      fkt_name: save_to_txt
      RB_assign: {RB_1: read}
`;

const hello = () => fixtureHello({ setup: { ...fixtureSetup, path: 'serial.yaml', text: TEXT } });

let m: Mounted | null = null;
afterEach(() => {
  m?.unmount();
  m = null;
});

const ARDUINO = { path: '/dev/ttyACM0', manufacturer: 'Arduino (www.arduino.cc)', vendorId: '2341', productId: '0043', serialNumber: '7553', byId: '/dev/serial/by-id/usb-Arduino_7553-if00' };

describe('serial port field', () => {
  it('lists the host ports with their descriptions and writes a picked one into the setup', async () => {
    m = await mount(<SetupEditor />, [hello()]);
    // The field asked the host once, by itself.
    expect(m.bridge.of('list_ports')).toHaveLength(1);
    const row = m.container.querySelector<HTMLElement>('[data-testid="param:Fkt_1.port"]')!;
    expect(row.querySelector<HTMLInputElement>('input[aria-label="Fkt_1 port"]')!.value).toBe('/dev/ttyUSB9');

    await m.emit({ type: 'port_list', ports: [ARDUINO, { path: '/dev/ttyS0' }] });
    const options = [...row.querySelectorAll<HTMLOptionElement>('[data-testid=port-options] option')].map((o) => [o.value, o.label]);
    expect(options).toEqual([
      ['/dev/ttyACM0', 'Arduino (www.arduino.cc) · USB 2341:0043 · SN 7553'],
      ['/dev/ttyS0', ''], // nothing known: the browser shows the path alone
    ]);
    expect(row.querySelector('[data-testid=port-list]')!.textContent).toContain('/dev/ttyACM0 Arduino (www.arduino.cc) · USB 2341:0043 · SN 7553');

    const pick = [...row.querySelectorAll<HTMLButtonElement>('[data-testid=port-list] button')].find((b) => b.textContent === '/dev/ttyACM0')!;
    expect(pick.title).toBe('Stable name: /dev/serial/by-id/usb-Arduino_7553-if00');
    await act(async () => pick.click());
    expect(m.store.getState().editorDoc!.text).toContain('config: {port: /dev/ttyACM0, baudRate: 115200}');
    expect(pick.getAttribute('aria-pressed')).toBe('true');
  });

  it('asks again on Find ports and says when none were found or the list may be incomplete', async () => {
    m = await mount(<SetupEditor />, [hello()]);
    await m.emit({ type: 'port_list', ports: [], warning: 'listing serial ports needs udevadm (Debian/Ubuntu: sudo apt-get install udev); showing the devices found in /dev instead' });
    const list = m.container.querySelector('[data-testid=port-list]')!;
    expect(list.textContent).toContain('No serial ports found on the machine running RingScope; plug the instrument in and press Find ports, or type the port name.');
    expect(list.textContent).toContain('Note: listing serial ports needs udevadm (Debian/Ubuntu: sudo apt-get install udev)');
    await m.click('Find ports');
    expect(m.bridge.of('list_ports')).toHaveLength(2);
    await m.emit({ type: 'port_list', ports: [ARDUINO] });
    expect(list.textContent).not.toContain('No serial ports found');
    expect(list.textContent).not.toContain('Note:');
  });

  it('describes a port by what it says it is', () => {
    expect(describePort({ path: 'COM3', manufacturer: 'FTDI', vendorId: '0403', productId: '6001' })).toBe('FTDI · USB 0403:6001');
    expect(describePort({ path: '/dev/ttyS0' })).toBe('');
  });
});
