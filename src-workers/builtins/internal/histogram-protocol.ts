// Messages of the engine's histogram reader (builtin internal/histogram) to the
// engine, besides the runtime's log/error/done. The engine sends it the views
// (histograms hosts want) as the parameter `views`: ViewSpec[].
import type { HistogramUpdate, StripBucket } from '../../../src-shared/bridge/protocol';

export const VIEWS_PARAM = 'views';

export type HistogramReaderMessage =
  /** Views whose counts changed (at most HISTOGRAM_HZ). */
  | { type: 'histograms'; updates: HistogramUpdate[] }
  /** New strip-chart buckets (every STRIP_BUCKET_MS while events come). */
  | { type: 'strip'; buckets: StripBucket[]; latest: { t: number; values: (number | null)[] } | null; events: number }
  /** The buffer ended and every event is counted: last updates, and the kept values (transferred) for re-binning afterwards. */
  | {
      type: 'final';
      updates: HistogramUpdate[];
      buckets: StripBucket[];
      latest: { t: number; values: (number | null)[] } | null;
      events: number;
      fields: string[];
      kept: Float64Array[];
    };
