// builtin:sources/epics — PVs of any Channel Access server into a buffer (a
// station that records another station). Parameters only; the implementation
// is src-workers/builtins/sources/epics.ts.
import type { BuiltinSpec } from './spec';

/** The Channel Access client source's declaration. */
export const SOURCE_EPICS: BuiltinSpec = {
  id: 'sources/epics',
  kind: 'source',
  summary: 'Monitors PVs of any Channel Access server: one event per update of a trigger PV, or every dt seconds with the newest value of each PV.',
  params: [
    {
      name: 'pvs',
      type: 'mapping',
      default: {},
      help: 'Each field of the buffer and its PV: {cpu: "station_a:CPU"}, or {pv: NAME, take: value|timestamp|severity|status} for the time stamp (Unix seconds), alarm severity or status of a PV. A waveform fills a field of channel_per_slot values.',
    },
    {
      name: 'trigger',
      type: 'string',
      default: '',
      help: 'A field (its PV) or a PV name: one event per update of it, with the other PVs as they were at its time stamp. Empty: clock mode (dt).',
    },
    { name: 'dt', type: 'number', unit: 's', default: 1, min: 0.001, max: 3600, live: true, help: 'Clock mode: seconds between events, each with the newest value of every PV.' },
    { name: 'addr_list', type: 'string', default: '', help: 'Where to search: addresses as in EPICS_CA_ADDR_LIST ("10.0.0.5 10.0.0.6:5070"); empty: the environment variable.' },
    { name: 'auto_addr_list', type: 'enum', choices: ['', 'YES', 'NO'], default: '', help: 'YES: also broadcast searches on every interface; empty: EPICS_CA_AUTO_ADDR_LIST (default YES).' },
    { name: 'server_port', type: 'integer', default: 0, min: 0, max: 65535, help: 'The servers\' port; 0: EPICS_CA_SERVER_PORT (default 5064).' },
    { name: 'name_servers', type: 'string', default: '', help: 'Name servers searched over TCP, as EPICS_CA_NAME_SERVERS; empty: the environment variable.' },
  ],
};
