// A small, fast, seedable pseudo-random number generator for simulations.
//
// xoshiro128** (Blackman & Vigna) on four 32-bit words: good statistical
// quality, period 2^128 − 1, and only 32-bit integer operations, which JS
// engines run fast (no BigInt). The state is filled with splitmix32 from the
// seed, so nearby seeds (1, 2, 3 …) give unrelated streams.
//
// Runs in any JS context (no Node, no DOM): unseeded generators take their
// seed from globalThis.crypto when it exists, else from Math.random.

/** A seed: an integer (any safe integer, negative allowed) or a string (hashed). */
export type Seed = number | string;

const TWO_POW_M32 = 2 ** -32;
const TWO_POW_M53 = 2 ** -53;

/** splitmix32 step: returns [next state, output]; used only for seeding. */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [state, z >>> 0];
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units, for string seeds. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Splits a seed into two 32-bit words (low and high part of an integer seed, or a string hash). */
function seedWords(seed: Seed): [number, number] {
  if (typeof seed === 'string') return [hashString(seed), hashString(`${seed}\u0001`) ^ 0x5bd1e995];
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`random seed must be a safe integer or a string, got ${String(seed)}`);
  }
  const lo = seed >>> 0; // two's complement low word, also for negative seeds
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  return [lo, hi];
}

/** A fresh seed from the platform's entropy source (crypto when available). */
export function entropySeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) {
    const w = c.getRandomValues(new Uint32Array(2));
    // 53 bits: a safe integer, so it can be logged and reused as a seed.
    return (w[0]! & 0x1fffff) * 2 ** 32 + w[1]!;
  }
  return Math.floor(Math.random() * 2 ** 53);
}

/** A seedable generator of uniform, normal and exponential deviates (xoshiro128**). */
export class Random {
  /** The seed this generator started from (the drawn one when none was given). */
  readonly seed: Seed;
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second deviate of the last Marsaglia polar pair, or NaN when none is cached. */
  private spareNormal = Number.NaN;

  /** Creates a generator; without a seed, one is drawn from the platform's entropy. */
  constructor(seed?: Seed) {
    this.seed = seed ?? entropySeed();
    const [lo, hi] = seedWords(this.seed);
    let st = lo ^ Math.imul(hi, 0x27d4eb2f);
    let out: number;
    [st, out] = splitmix32(st);
    this.s0 = out;
    [st, out] = splitmix32(st ^ hi);
    this.s1 = out;
    [st, out] = splitmix32(st);
    this.s2 = out;
    [st, out] = splitmix32(st);
    this.s3 = out;
    // The all-zero state is the one fixed point of xoshiro; splitmix32 makes it
    // practically impossible, but guard it anyway.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The generator's four state words (to checkpoint a stream). */
  getState(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** Restores state words from getState(); not all zero. */
  setState(state: readonly [number, number, number, number]): void {
    const [a, b, c, d] = state;
    if (((a | b | c | d) >>> 0) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    this.s0 = a | 0;
    this.s1 = b | 0;
    this.s2 = c | 0;
    this.s3 = d | 0;
    this.spareNormal = Number.NaN;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2;
    const s3 = this.s3;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ t;
    this.s3 = rotl(n3, 11);
    return r >>> 0;
  }

  /** A uniform deviate in [0, 1) with 53 random bits; with arguments, uniform in [min, max). */
  uniform(min = 0, max = 1): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    const u = (hi * 67108864 + lo) * TWO_POW_M53;
    return min + (max - min) * u;
  }

  /** A uniform deviate in [0, 1) with 32 random bits: half the cost of uniform(). */
  uniform32(): number {
    return this.nextUint32() * TWO_POW_M32;
  }

  /** An integer uniform in [0, n) for 1 ≤ n ≤ 2^32, without modulo bias. */
  integer(n: number): number {
    if (!(n >= 1 && n <= 2 ** 32) || !Number.isInteger(n)) {
      throw new RangeError(`integer(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    // Rejection sampling on the top of the 32-bit range keeps every value equally likely.
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** A normal deviate with the given mean and standard deviation (Marsaglia polar method). */
  normal(mean = 0, sd = 1): number {
    let z: number;
    if (!Number.isNaN(this.spareNormal)) {
      z = this.spareNormal;
      this.spareNormal = Number.NaN;
    } else {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * this.uniform() - 1;
        v = 2 * this.uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      this.spareNormal = v * f;
      z = u * f;
    }
    return mean + sd * z;
  }

  /** An exponential deviate with the given mean (not rate); always finite and ≥ 0. */
  exponential(mean = 1): number {
    // 1 − U lies in (0, 1], so the logarithm is finite.
    return -mean * Math.log(1 - this.uniform());
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * Fills `out` with offset + scale · U, U uniform in [0, 1) (32 random bits each):
   * the bulk path for per-sample noise, several times faster than calling uniform32() per element.
   */
  fillUniform(out: Float32Array | Float64Array, offset = 0, scale = 1): void {
    // Hot loop (≈ 17,000 samples per simulated event): `| 0` keeps the state in
    // int32 registers from the start (the fields may hold doubles ≥ 2^31 after
    // seeding), the length is read once, and the rotations are written out.
    let s0 = this.s0 | 0;
    let s1 = this.s1 | 0;
    let s2 = this.s2 | 0;
    let s3 = this.s3 | 0;
    const k = scale * TWO_POW_M32;
    const n = out.length;
    for (let i = 0; i < n; i++) {
      const m = Math.imul(s1, 5);
      const r = Math.imul((m << 7) | (m >>> 25), 9); // rotl(s1 · 5, 7) · 9
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21); // rotl(s3, 11)
      out[i] = offset + (r >>> 0) * k;
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Creates a generator: reproducible with a seed, seeded from the platform's entropy without one. */
export function createRandom(seed?: Seed | null): Random {
  return new Random(seed ?? undefined);
}
