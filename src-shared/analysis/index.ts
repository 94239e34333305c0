// Live analysis of scalar buffers (pure): kept values, histograms with the
// unbinned lifetime fit, and strip-chart buckets.
export { HistogramAccumulator, KEEP_BUDGET, KEEP_MAX, KEEP_MIN, fitResult, keepPerField, requestProblem, type ViewSpec } from './accumulator';
export { DEFAULT_TIERS, STRIP_WINDOWS, StripAggregator, StripHistory, decimate, mergeBucket, type TierSpec } from './strip';
export { ValueStore } from './values';
