// The type the peak-finding modules share (peaks.ts, peak-selection.ts,
// peak-properties.ts), in a file of its own so that none imports another for it.

/** Sample values: any array of numbers (a channel of a ring-buffer slot, typically). */
export type Signal = ArrayLike<number>;
