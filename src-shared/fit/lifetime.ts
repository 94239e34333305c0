// Unbinned maximum-likelihood fit of a lifetime: an exponential truncated to the
// window [t_min, t_max] where decays are measured, optionally plus a flat
// background (accidental coincidences). Binning-free, so it works as well with
// 50 events as with 200,000, and it does not depend on a histogram's bins.
//
// Model, with s = t − t_min, L = t_max − t_min:
//   g(s) = e^(−s/τ) / (τ (1 − e^(−L/τ)))          (normalised on [0, L])
//   f(s) = (1 − β) g(s) + β / L                     (β: background fraction)
// Errors are from the observed information (the inverse Hessian of −ln L).

/** Fit settings; times in the unit of the data (ns for decay_time). */
export interface LifetimeFitOptions {
  /** Lower edge of the window (inclusive), default 400. */
  t_min?: number;
  /** Upper edge of the window (inclusive), default 14,000. */
  t_max?: number;
  /** Fit a flat background fraction as well (default false). */
  background?: boolean;
}

/** The result of a lifetime fit. Never NaN: when a fit fails, converged is false and message says why. */
export interface LifetimeFit {
  /** Fitted lifetime; +Infinity when the data show no decay at all (flat or rising), 0 when all lie at t_min. */
  tau: number;
  /** Standard error of tau; +Infinity when it cannot be estimated. */
  sigma: number;
  /** Events inside [t_min, t_max] that the fit used. */
  n: number;
  /** Fitted background fraction (with `background` only). */
  background_fraction?: number;
  /** Standard error of the background fraction (with `background` only). */
  background_sigma?: number;
  converged: boolean;
  /** Why the fit did not converge (or a note about a fraction at its limit). */
  message?: string;
  t_min: number;
  t_max: number;
  /** ln L at the optimum (0 when n = 0). */
  log_likelihood: number;
}

export const DEFAULT_T_MIN = 400;
export const DEFAULT_T_MAX = 14_000;

/** 1 − u/(e^u − 1), accurate for small u (the mean of a truncated exponential is τ times this, u = L/τ). */
function oneMinusUOverExpm1(u: number): number {
  if (u < 1e-4) return u / 2 - (u * u) / 12; // the u^3 term vanishes; u^4/720 is below rounding here
  return 1 - u / Math.expm1(u);
}

/** Mean of s for an exponential of lifetime tau truncated to [0, L]. */
export function truncatedMean(tau: number, L: number): number {
  if (tau === Number.POSITIVE_INFINITY) return L / 2;
  if (!(tau > 0)) return 0;
  return tau * oneMinusUOverExpm1(L / tau);
}

/** ln(1 − e^(−L/τ)), the log of the window's share of the exponential. */
function logWindow(tau: number, L: number): number {
  return Math.log(-Math.expm1(-L / tau));
}

/** h'(τ) and h''(τ) of h = ln(1 − e^(−L/τ)), written to avoid overflow for large L/τ. */
function windowDerivatives(tau: number, L: number): [number, number] {
  const u = L / tau;
  if (u > 1400) return [0, 0]; // both terms are below e^(−700): the window is "infinite"
  const em1 = Math.expm1(u);
  const sh = Math.sinh(u / 2);
  const d1 = -(u / em1) / tau;
  const d2 = ((2 * u) / em1 - (u * u) / (4 * sh * sh)) / (tau * tau);
  return [d1, d2];
}

function invalidOptions(t_min: number, t_max: number): void {
  if (!Number.isFinite(t_min) || !Number.isFinite(t_max) || !(t_min < t_max)) {
    throw new RangeError(`lifetime fit needs a window with finite t_min < t_max, got [${t_min}, ${t_max}]`);
  }
}

/** The values inside [t_min, t_max], shifted by t_min (NaN and infinities are left out). */
function windowed(values: ArrayLike<number>, t_min: number, t_max: number): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const t = values[i]!;
    if (t >= t_min && t <= t_max) n++;
  }
  const s = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const t = values[i]!;
    if (t >= t_min && t <= t_max) s[k++] = t - t_min;
  }
  return s;
}

/** Fits a lifetime to decay times by unbinned maximum likelihood (see the file's comment for the model). */
export function fitLifetime(values: ArrayLike<number>, options: LifetimeFitOptions = {}): LifetimeFit {
  const t_min = options.t_min ?? DEFAULT_T_MIN;
  const t_max = options.t_max ?? DEFAULT_T_MAX;
  invalidOptions(t_min, t_max);
  const s = windowed(values, t_min, t_max);
  return options.background ? fitWithBackground(s, t_min, t_max) : fitPure(s, t_min, t_max);
}

function fitPure(s: Float64Array, t_min: number, t_max: number): LifetimeFit {
  const L = t_max - t_min;
  const n = s.length;
  const base = { n, t_min, t_max };
  if (n === 0) {
    return { ...base, tau: 0, sigma: Number.POSITIVE_INFINITY, converged: false, log_likelihood: 0, message: `no values in [${t_min}, ${t_max}]` };
  }
  let S = 0;
  for (let i = 0; i < n; i++) S += s[i]!;
  const m = S / n;
  const logL = (tau: number): number => (tau === Number.POSITIVE_INFINITY ? -n * Math.log(L) : -S / tau - n * Math.log(tau) - n * logWindow(tau, L));
  if (!(m > 0)) {
    return {
      ...base,
      tau: 0,
      sigma: Number.POSITIVE_INFINITY,
      converged: false,
      log_likelihood: 0,
      message: `all ${n} values lie at t_min = ${t_min}: no lifetime can be fitted`,
    };
  }
  if (m >= L / 2) {
    return {
      ...base,
      tau: Number.POSITIVE_INFINITY,
      sigma: Number.POSITIVE_INFINITY,
      converged: false,
      log_likelihood: logL(Number.POSITIVE_INFINITY),
      message: `the values do not decrease over [${t_min}, ${t_max}] (mean at or beyond the window's middle): no finite lifetime`,
    };
  }
  // The likelihood equation is truncatedMean(τ) = m; the left side rises from 0 to L/2, and μ(τ) ≤ τ.
  let lo = m;
  let hi = m;
  for (let k = 0; k < 2000 && truncatedMean(hi, L) <= m; k++) hi *= 2;
  if (!(truncatedMean(hi, L) > m) || !Number.isFinite(hi)) {
    return {
      ...base,
      tau: Number.POSITIVE_INFINITY,
      sigma: Number.POSITIVE_INFINITY,
      converged: false,
      log_likelihood: logL(Number.POSITIVE_INFINITY),
      message: 'the lifetime is too long to tell from a flat distribution in this window',
    };
  }
  while (truncatedMean(lo, L) > m) lo /= 2;
  for (let k = 0; k < 200 && hi - lo > 1e-13 * hi; k++) {
    const mid = 0.5 * (lo + hi);
    if (truncatedMean(mid, L) < m) lo = mid;
    else hi = mid;
  }
  const tau = 0.5 * (lo + hi);
  const [, h2] = windowDerivatives(tau, L);
  const info = (2 * S) / tau ** 3 - n / tau ** 2 + n * h2;
  const sigma = info > 0 ? 1 / Math.sqrt(info) : Number.POSITIVE_INFINITY;
  return {
    ...base,
    tau,
    sigma,
    converged: Number.isFinite(sigma),
    log_likelihood: logL(tau),
    ...(Number.isFinite(sigma) ? {} : { message: 'the likelihood is flat at the optimum: no error estimate' }),
  };
}

/** ln L, its gradient and Hessian in (τ, β) for the model with background. */
function derivatives(s: Float64Array, L: number, tau: number, beta: number) {
  const norm = 1 / (tau * -Math.expm1(-L / tau));
  const [h1, h2] = windowDerivatives(tau, L);
  const invL = 1 / L;
  let ll = 0;
  let gt = 0;
  let gb = 0;
  let htt = 0;
  let hbb = 0;
  let htb = 0;
  const a = 1 - beta;
  for (let i = 0; i < s.length; i++) {
    const si = s[i]!;
    const g = Math.exp(-si / tau) * norm;
    const f = a * g + beta * invL;
    const D = si / (tau * tau) - 1 / tau - h1;
    const Dp = (-2 * si) / (tau * tau * tau) + 1 / (tau * tau) - h2;
    const q = invL - g;
    ll += Math.log(f);
    gt += (a * g * D) / f;
    gb += q / f;
    htt += (a * g * (D * D + Dp)) / f - ((a * g * D) / f) ** 2;
    hbb -= (q / f) ** 2;
    htb += -(g * D) / f - (q * a * g * D) / (f * f);
  }
  return { ll, gt, gb, htt, hbb, htb };
}

/** The background fraction that maximises ln L for a fixed τ (ln L is concave in β), and that ln L. */
function bestBeta(s: Float64Array, L: number, tau: number): [number, number] {
  const n = s.length;
  const norm = 1 / (tau * -Math.expm1(-L / tau));
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = Math.exp(-s[i]! / tau) * norm;
  const invL = 1 / L;
  const logL = (beta: number): number => {
    let ll = 0;
    for (let i = 0; i < n; i++) ll += Math.log((1 - beta) * g[i]! + beta * invL);
    return ll;
  };
  const slope = (beta: number): [number, number] => {
    let d1 = 0;
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      const q = invL - g[i]!;
      const f = (1 - beta) * g[i]! + beta * invL;
      d1 += q / f;
      d2 -= (q / f) ** 2;
    }
    return [d1, d2];
  };
  if (slope(0)[0] <= 0) return [0, logL(0)];
  if (slope(1)[0] >= 0) return [1, logL(1)];
  // Newton's method kept inside a shrinking bracket (the slope falls monotonically).
  let lo = 0;
  let hi = 1;
  let beta = 0.5;
  for (let k = 0; k < 100; k++) {
    const [d1, d2] = slope(beta);
    if (d1 > 0) lo = beta;
    else hi = beta;
    let next = d2 < 0 ? beta - d1 / d2 : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - beta) < 1e-12 || hi - lo < 1e-12) {
      beta = next;
      break;
    }
    beta = next;
  }
  return [beta, logL(beta)];
}

function fitWithBackground(s: Float64Array, t_min: number, t_max: number): LifetimeFit {
  const L = t_max - t_min;
  const n = s.length;
  const base = { n, t_min, t_max };
  const fail = (message: string, tau = 0, log_likelihood = 0): LifetimeFit => ({
    ...base,
    tau,
    sigma: Number.POSITIVE_INFINITY,
    background_fraction: 0,
    background_sigma: Number.POSITIVE_INFINITY,
    converged: false,
    log_likelihood,
    message,
  });
  if (n < 2) return fail(n === 0 ? `no values in [${t_min}, ${t_max}]` : 'one value is too few to fit a lifetime and a background');
  let allZero = true;
  for (let i = 0; i < n; i++) if (s[i] !== 0) allZero = false;
  if (allZero) return fail(`all ${n} values lie at t_min = ${t_min}: no lifetime can be fitted`);

  // Profile likelihood over ln τ: a coarse scan, then golden-section search around the best point.
  const lnLo = Math.log(L * 1e-4);
  const lnHi = Math.log(L * 1e3);
  const steps = 48;
  const profile = (lnTau: number): number => bestBeta(s, L, Math.exp(lnTau))[1];
  let bestK = 0;
  let bestV = Number.NEGATIVE_INFINITY;
  const scan: number[] = [];
  for (let k = 0; k <= steps; k++) {
    const v = profile(lnLo + ((lnHi - lnLo) * k) / steps);
    scan.push(v);
    if (v > bestV) {
      bestV = v;
      bestK = k;
    }
  }
  if (bestBeta(s, L, Math.exp(lnLo + ((lnHi - lnLo) * bestK) / steps))[0] >= 1) {
    return fail('the values look like flat background only: no lifetime', Number.POSITIVE_INFINITY, bestV);
  }
  if (bestK === steps) {
    const [beta, ll] = bestBeta(s, L, Math.exp(lnHi));
    return {
      ...fail('the values do not decrease over the window: no finite lifetime (the data look like background only)', Number.POSITIVE_INFINITY, ll),
      background_fraction: beta,
    };
  }
  if (bestK === 0) return fail('the lifetime is shorter than the fit can resolve in this window', Math.exp(lnLo), bestV);
  let a = lnLo + ((lnHi - lnLo) * (bestK - 1)) / steps;
  let b = lnLo + ((lnHi - lnLo) * (bestK + 1)) / steps;
  const r = (Math.sqrt(5) - 1) / 2;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = profile(c);
  let fd = profile(d);
  for (let k = 0; k < 200 && b - a > 1e-10; k++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = profile(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = profile(d);
    }
  }
  const tau = Math.exp(0.5 * (a + b));
  const [beta, ll] = bestBeta(s, L, tau);
  const h = derivatives(s, L, tau, beta);
  let sigma: number;
  let sigmaB: number;
  const det = h.htt * h.hbb - h.htb * h.htb;
  const interior = beta > 0 && beta < 1;
  if (interior && h.htt < 0 && det > 0) {
    // Covariance = (−H)^(-1)
    sigma = Math.sqrt(-h.hbb / det);
    sigmaB = Math.sqrt(-h.htt / det);
  } else {
    // β at a limit: it is fixed there, so τ's error is the one-parameter one.
    sigma = h.htt < 0 ? 1 / Math.sqrt(-h.htt) : Number.POSITIVE_INFINITY;
    sigmaB = h.hbb < 0 ? 1 / Math.sqrt(-h.hbb) : Number.POSITIVE_INFINITY;
  }
  const converged = Number.isFinite(sigma);
  return {
    ...base,
    tau,
    sigma,
    background_fraction: beta,
    background_sigma: sigmaB,
    converged,
    log_likelihood: ll,
    ...(!converged
      ? { message: 'the likelihood is flat at the optimum: no error estimate' }
      : !interior
        ? { message: `the background fraction is at its limit (${beta}); tau's error assumes it fixed there` }
        : {}),
  };
}

/** The fitted probability density at t (per unit of t, over the window; 0 outside it). */
export function lifetimeDensity(fit: Pick<LifetimeFit, 'tau' | 't_min' | 't_max' | 'background_fraction'>, t: number): number {
  const { t_min, t_max, tau } = fit;
  if (!(t >= t_min && t <= t_max)) return 0;
  const L = t_max - t_min;
  const beta = fit.background_fraction ?? 0;
  const flat = 1 / L;
  if (!(tau > 0) || tau === Number.POSITIVE_INFINITY) return flat;
  const g = Math.exp(-(t - t_min) / tau) / (tau * -Math.expm1(-L / tau));
  return (1 - beta) * g + beta * flat;
}

/**
 * The counts the fit expects in each bin of a histogram (n times the model's
 * probability of the bin's part of the window), to draw over the data.
 */
export function expectedCounts(
  fit: Pick<LifetimeFit, 'tau' | 'n' | 't_min' | 't_max' | 'background_fraction'>,
  spec: { bins: number; min: number; max: number },
): Float64Array {
  const { t_min, t_max, tau, n } = fit;
  const L = t_max - t_min;
  const beta = fit.background_fraction ?? 0;
  const out = new Float64Array(spec.bins);
  const w = (spec.max - spec.min) / spec.bins;
  const flatOnly = !(tau > 0) || tau === Number.POSITIVE_INFINITY;
  // Probability that the model puts a value below x (x within the window).
  const cdf = (x: number): number => {
    const sx = Math.min(Math.max(x, t_min), t_max) - t_min;
    const flat = sx / L;
    if (flatOnly) return flat;
    const sig = Math.expm1(-sx / tau) / Math.expm1(-L / tau);
    return (1 - beta) * sig + beta * flat;
  };
  for (let i = 0; i < spec.bins; i++) {
    const x1 = spec.min + i * w;
    const x2 = i === spec.bins - 1 ? spec.max : x1 + w;
    out[i] = n * (cdf(x2) - cdf(x1));
  }
  return out;
}
