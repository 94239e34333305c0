// EPICS Channel Access: our own CA server (plain Node dgram/net) and the
// glue that publishes an engine's live values as PVs.
export { CaServer, beaconDestinations, type CaLogLevel, type CaServerOptions, type CaServerStats, type CaStartOptions } from './server';
export { Pv, type PvInput, type PvOptions, type PvWriteValue, type WriteHandler } from './pv';
export type { Limits, PvType, Range } from '../../src-workers/epics/dbr';
export { AlarmStatus, Eca, AlarmSeverity } from '../../src-workers/epics/protocol';
export { CaRepeater } from './repeater';
export { attachEpics, ctime, epicsPort, maybeStartEpics, type AttachEpicsOptions, type EpicsHandle, type EpicsLog } from './publish';
