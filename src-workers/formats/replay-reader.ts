// A recorded run, read row by row for the replay source; Parquet and CSV alike
// (csv-reader.ts and parquet-reader.ts implement it, open-replay.ts picks one).

/** A cursor over the rows of an export. */
export interface ReplayReader {
  readonly path: string;
  /** Rows in the file, when known up front (Parquet). */
  readonly rows: number | null;
  /** Moves to the next row; false at the end of the file. */
  next(): boolean | Promise<boolean>;
  /** The current row's event counter. */
  readonly counter: number;
  /** The current row's timestamp, ms since the epoch. */
  readonly timestamp: number;
  /** Copies the current row's field values into an event. */
  writeInto(fields: Readonly<Record<string, ArrayLike<number | bigint>>>): void;
  /** Malformed rows skipped so far (CSV), and why the last one was. */
  readonly skipped: number;
  readonly lastError: string;
  close(): void;
}
