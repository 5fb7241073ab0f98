// The kernel's symbol table as the file stores it (/proc/kallsyms text:
// "ADDR TYPE NAME[\t[MODULE]]"), for naming function addresses:
// function_graph records carry only the address, probes their IP.
// Read straight from the bytes (no string per line: a kernel has ~200k
// symbols); names are decoded when looked up. Addresses are 64-bit: they are
// grouped by their high 32 bits, and each group sorted by the low half
// packed with the line's index into one exact double.

export interface SymbolAt {
  readonly name: string;
  readonly module: string | null;
  /** addr - symbol start. */
  readonly offset: number;
}

const INDEX_BITS = 2 ** 21;
/** More symbols than this cannot be indexed (the packing above); kernels have ~10× fewer. */
export const MAX_SYMBOLS = INDEX_BITS - 1;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) HEX[97 + i] = HEX[65 + i] = 10 + i;

export class Symbols {
  private readonly cache = new Map<number, Map<number, SymbolAt | null>>();

  private constructor(
    private readonly text: Uint8Array,
    /** Per high word: packed (lo * 2^21 + line index), sorted. */
    private readonly groups: ReadonlyMap<number, Float64Array>,
    private readonly nameAt: Uint32Array,
    private readonly nameEnd: Uint32Array,
    readonly size: number,
  ) {}

  static empty(): Symbols {
    return new Symbols(new Uint8Array(0), new Map(), new Uint32Array(0), new Uint32Array(0), 0);
  }

  /** Parses kallsyms text; lines that are not "HEX TYPE NAME" are skipped and counted. */
  static parse(text: Uint8Array): { symbols: Symbols; bad: number } {
    // One pass over the bytes; the next newline and tab are found with the native search and
    // only move forward (a tab search per line would rescan to the far-away module symbols).
    const capacity = Math.min(MAX_SYMBOLS, Math.ceil(text.length / 4) + 1);
    // Real lines average ~45 bytes: start at a size that rarely needs to grow.
    let his: Uint32Array = new Uint32Array(Math.min(capacity, (text.length >>> 4) + 1024));
    let los: Uint32Array = new Uint32Array(his.length);
    let nameAt: Uint32Array = new Uint32Array(his.length);
    let nameEnd: Uint32Array = new Uint32Array(his.length);
    let n = 0;
    let bad = 0;
    let nextTab = text.indexOf(9);
    for (let at = 0; at < text.length; ) {
      let end = text.indexOf(10, at);
      if (end < 0) end = text.length;
      const next = end + 1;
      if (end === at) {
        at = next;
        continue;
      }
      let hi = 0;
      let lo = 0;
      let p = at;
      const digitsEnd = Math.min(end, at + 16);
      for (; p < digitsEnd; p++) {
        const d = HEX[text[p]!]!;
        if (d < 0) break;
        hi = ((hi << 4) | (lo >>> 28)) >>> 0;
        lo = ((lo << 4) | d) >>> 0;
      }
      // "ADDR T NAME": a space, one type letter, a space, a name.
      if (p === at || p + 3 >= end || text[p] !== 32 || text[p + 2] !== 32 || n >= MAX_SYMBOLS) {
        bad++;
        at = next;
        continue;
      }
      while (nextTab >= 0 && nextTab < p) nextTab = text.indexOf(9, nextTab + 1);
      const stop = nextTab >= 0 && nextTab < end ? nextTab : end;
      if (n === his.length) {
        const size = Math.min(capacity, his.length * 2);
        his = grow(his, size);
        los = grow(los, size);
        nameAt = grow(nameAt, size);
        nameEnd = grow(nameEnd, size);
      }
      his[n] = hi;
      los[n] = lo;
      nameAt[n] = p + 3;
      nameEnd[n] = stop;
      n++;
      at = next;
    }
    // Group by the high word (runs of equal values are the rule: count them run by run).
    const sizes = new Map<number, number>();
    for (let i = 0; i < n; ) {
      const hi = his[i]!;
      let j = i + 1;
      while (j < n && his[j] === hi) j++;
      sizes.set(hi, (sizes.get(hi) ?? 0) + (j - i));
      i = j;
    }
    const groups = new Map<number, Float64Array>();
    const fill = new Map<number, number>();
    for (const [hi, size] of sizes) {
      groups.set(hi, new Float64Array(size));
      fill.set(hi, 0);
    }
    for (let i = 0; i < n; ) {
      const hi = his[i]!;
      const group = groups.get(hi)!;
      let k = fill.get(hi)!;
      for (; i < n && his[i] === hi; i++) group[k++] = los[i]! * INDEX_BITS + i;
      fill.set(hi, k);
    }
    for (const [hi, group] of groups) groups.set(hi, sortMostlySorted(group));
    return { symbols: new Symbols(text, groups, nameAt, nameEnd, n), bad };
  }

  /** The symbol containing the 64-bit address hi:lo (the last one at or below it, same high word), or null. */
  lookup(hi: number, lo: number): SymbolAt | null {
    let byLo = this.cache.get(hi);
    if (!byLo) this.cache.set(hi, (byLo = new Map()));
    const hit = byLo.get(lo);
    if (hit !== undefined) return hit;
    const group = this.groups.get(hi);
    let result: SymbolAt | null = null;
    if (group) {
      const key = lo * INDEX_BITS + (INDEX_BITS - 1);
      let low = 0;
      let high = group.length - 1;
      let found = -1;
      while (low <= high) {
        const mid = (low + high) >> 1;
        if (group[mid]! <= key) {
          found = mid;
          low = mid + 1;
        } else high = mid - 1;
      }
      if (found >= 0) {
        const packed = group[found]!;
        const index = packed % INDEX_BITS;
        const start = (packed - index) / INDEX_BITS;
        result = { ...this.name(index), offset: lo - start };
      }
    }
    if (byLo.size < 65536) byLo.set(lo, result);
    return result;
  }

  private name(index: number): { name: string; module: string | null } {
    const from = this.nameAt[index]!;
    const to = this.nameEnd[index]!;
    const name = ascii(this.text, from, to);
    if (this.text[to] !== 9) return { name, module: null };
    let end = to + 1;
    while (end < this.text.length && this.text[end] !== 10) end++;
    const mod = /^\[([^\]]+)\]/.exec(ascii(this.text, to + 1, end).trim());
    return { name, module: mod ? mod[1]! : null };
  }
}

/**
 * Sorts keys that come mostly in order: the core kernel's symbols are sorted, the modules'
 * come after in their own order. Only the part after the sorted prefix is sorted, then merged.
 */
function sortMostlySorted(keys: Float64Array): Float64Array {
  let prefix = 1;
  while (prefix < keys.length && keys[prefix - 1]! <= keys[prefix]!) prefix++;
  if (prefix >= keys.length) return keys;
  const tail = keys.slice(prefix).sort();
  const out = new Float64Array(keys.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < prefix && j < tail.length) out[k++] = keys[i]! <= tail[j]! ? keys[i++]! : tail[j++]!;
  while (i < prefix) out[k++] = keys[i++]!;
  while (j < tail.length) out[k++] = tail[j++]!;
  return out;
}

function grow(array: Uint32Array, size: number): Uint32Array {
  const out = new Uint32Array(size);
  out.set(array);
  return out;
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, from + 512)));
}
