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
    const lines: number[] = [];
    for (let at = 0; at < text.length; ) {
      const nl = text.indexOf(10, at);
      const end = nl < 0 ? text.length : nl;
      if (end > at) lines.push(at);
      at = end + 1;
    }
    const count = Math.min(lines.length, MAX_SYMBOLS);
    const his = new Uint32Array(count);
    const los = new Uint32Array(count);
    const nameAt = new Uint32Array(count);
    const nameEnd = new Uint32Array(count);
    const groupSizes = new Map<number, number>();
    let n = 0;
    let bad = lines.length - count;
    for (let i = 0; i < count; i++) {
      const at = lines[i]!;
      let hi = 0;
      let lo = 0;
      let p = at;
      for (; p < text.length && p - at < 16; p++) {
        const d = HEX[text[p]!]!;
        if (d < 0) break;
        hi = (hi * 16 + Math.floor(lo / 0x10000000)) >>> 0;
        lo = ((lo & 0x0fffffff) * 16 + d) >>> 0;
      }
      // "ADDR T NAME": a space, one type letter, a space.
      if (p === at || text[p] !== 32 || text[p + 2] !== 32) {
        bad++;
        continue;
      }
      let q = p + 3;
      while (q < text.length && text[q] !== 10 && text[q] !== 9) q++;
      if (q === p + 3) {
        bad++;
        continue;
      }
      his[n] = hi;
      los[n] = lo;
      nameAt[n] = p + 3;
      nameEnd[n] = q;
      groupSizes.set(hi, (groupSizes.get(hi) ?? 0) + 1);
      n++;
    }
    const groups = new Map<number, Float64Array>();
    const fill = new Map<number, number>();
    for (const [hi, size] of groupSizes) {
      groups.set(hi, new Float64Array(size));
      fill.set(hi, 0);
    }
    for (let i = 0; i < n; i++) {
      const hi = his[i]!;
      const k = fill.get(hi)!;
      groups.get(hi)![k] = los[i]! * INDEX_BITS + i;
      fill.set(hi, k + 1);
    }
    for (const group of groups.values()) group.sort();
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

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, Math.min(to, from + 512)));
}
