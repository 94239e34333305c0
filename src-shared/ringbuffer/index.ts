// RingScope's shared-memory ring buffer: multiple writers, reader groups,
// untorn observers. Runs in any JS context with SharedArrayBuffer (worker
// threads, Node, cross-origin-isolated browsers); no Node or DOM imports.
export { RingBuffer, type RingBufferDescriptor, type RingBufferOptions, type RingBufferStatus } from './ring-buffer';
export { Writer, type WriterOptions, type DeadtimeMode } from './writer';
export { Reader } from './reader';
export { Observer, type ObserverOptions, type Snapshot } from './observer';
export type { EventView } from './event-view';
export { RingBufferLayoutError, LIMITS, validateLayout, computeOffsets, type DType, type FieldSpec, type RingBufferLayout, type RingBufferOffsets, type FieldOffset, type TypedArray } from './layout';
