// Fit and histogram math for lifetimes and live displays (pure, runs anywhere).
export { Histogram, histogram, type HistogramData, type HistogramSpec } from './histogram';
export {
  DEFAULT_T_MAX,
  DEFAULT_T_MIN,
  expectedCounts,
  fitLifetime,
  lifetimeDensity,
  truncatedMean,
  type LifetimeFit,
  type LifetimeFitOptions,
} from './lifetime';
