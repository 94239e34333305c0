// PVs several CA tests serve.
import type { PvOptions } from '../../../src-main/epics/pv';

/** T:DT, a writable double with units, precision and every kind of limit; writes are pushed to `writes`. */
export function dtPv(writes: unknown[]): PvOptions {
  return {
    name: 'T:DT',
    type: 'double',
    value: 1.5,
    units: 's',
    precision: 3,
    limits: { display: { low: 0, high: 10 }, alarm: { low: 0.01, high: 9 }, warning: { high: 5 }, control: { low: 0.01, high: 8 } },
    writable: true,
    onWrite: (v) => {
      writes.push(v);
    },
  };
}
