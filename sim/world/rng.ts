/**
 * Deterministic randomness. Everything the simulator invents (IDs, job outcomes, sizes) comes from
 * these functions, so the same seed always yields the same world.
 */

/** 32-bit integer mix (murmur3 finalizer): cheap and well distributed, for hot loops. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines numbers into one 32-bit hash. */
export function hashInts(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = mix32((h ^ (p | 0)) + 0x7f4a7c15 + (Math.floor(p / 4294967296) | 0));
  return h;
}

/** FNV-1a over a string, finished with mix32. */
export function hashString(s: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A hash as a fraction in [0, 1). */
export function unit(h: number): number {
  return (h >>> 0) / 4294967296;
}

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  hex(length: number): string;
}

/** mulberry32: a small seeded PRNG for sequential generation. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    hex: (length) => {
      let s = "";
      while (s.length < length)
        s += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, "0");
      return s.slice(0, length);
    },
  };
}

/** Hex string of a given length derived from a hash seed (deterministic). */
export function hexFrom(length: number, ...parts: number[]): string {
  let s = "";
  let i = 0;
  while (s.length < length)
    s += hashInts(...parts, i++)
      .toString(16)
      .padStart(8, "0");
  return s.slice(0, length);
}

/** A UUID-shaped string derived from hash parts (lower-case, version nibble 4). */
export function uuidFrom(...parts: number[]): string {
  const h = hexFrom(32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16] ?? "0", 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
