// Stateless, seeded randomness: every generated cell is a pure function of (seed, stream, row, salt),
// so a row reads the same whichever query or order reads it, and nothing is stored per row.

function mix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a string (FNV-1a), to key streams by names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** Unsigned 32-bit hash of the four keys. `row` may exceed 2^32. */
export function hash(seed: number, stream: number, row: number, salt: number): number {
  const lo = row >>> 0;
  const hi = Math.floor(row / 4294967296) >>> 0;
  let h = mix(seed ^ 0x9e3779b9);
  h = mix(h ^ stream);
  h = mix(h ^ lo);
  h = mix(h ^ hi ^ Math.imul(salt + 1, 0x9e3779b1));
  return h;
}

/** Uniform in [0, 1). */
export function unit(seed: number, stream: number, row: number, salt: number): number {
  return hash(seed, stream, row, salt) / 4294967296;
}

/** `length` lowercase hex digits. */
const hexBuffer = Buffer.alloc(64);

/** `length` (at most 128) lowercase hex digits, made in one native call: ids are written for 500,000 rows. */
export function hex(seed: number, stream: number, row: number, salt: number, length: number): string {
  const words = Math.ceil(length / 8);
  for (let k = 0; k < words; k++) hexBuffer.writeUInt32BE(hash(seed, stream, row, salt * 16 + k), k * 4);
  const out = hexBuffer.toString('hex', 0, words * 4);
  return out.length === length ? out : out.slice(0, length);
}

export function guid(seed: number, stream: number, row: number, salt: number): string {
  const h = hex(seed, stream, row, salt, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h.charAt(16), 16) & 3] ?? '8'}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function pick<T>(items: readonly T[], u: number): T {
  return items[Math.min(items.length - 1, Math.floor(u * items.length))] as T;
}
