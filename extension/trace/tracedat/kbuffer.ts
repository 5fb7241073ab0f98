// One ring-buffer page (sub-buffer) decoded as libtraceevent's kbuffer
// reads it: the page timestamp, the commit word (data length, and the
// missed-events flags with the lost count stored after the data), then the
// entries: 5-bit type_len and 27-bit time delta, padding (29), time extend
// (30), absolute time stamp (31), data with its length in the type or in
// the next word. Every length is checked against the page.
import type { PageHeader } from './file';

const MISSED_EVENTS = 2 ** 31;
const MISSED_STORED = 2 ** 30;
const COMMIT_MASK = (1 << 27) - 1;
const PADDING = 29;
const TIME_EXTEND = 30;
const TIME_STAMP = 31;
const TWO_32 = 2 ** 32;
const TWO_27 = 2 ** 27;

export interface DecodedPage {
  /** Records on the page, in order: timestamp (ns), payload start in the page bytes, payload length. */
  count: number;
  readonly ts: Float64Array;
  readonly start: Uint32Array;
  readonly length: Uint32Array;
  /** Events lost before this page: 0 none, a count, or -1 when the kernel could not store it. */
  lost: number;
  /** Why decoding stopped before the end of the data, if it did. */
  problem: string | null;
}

export function newPage(pageSize: number): DecodedPage {
  // The smallest entry is 8 bytes (header + one word).
  const max = Math.ceil(pageSize / 8) + 1;
  return { count: 0, ts: new Float64Array(max), start: new Uint32Array(max), length: new Uint32Array(max), lost: 0, problem: null };
}

/** Decodes the page at view[at, at + pageSize) into `out` (reused between pages). */
export function decodePage(view: DataView, at: number, pageSize: number, header: PageHeader, out: DecodedPage): void {
  out.count = 0;
  out.lost = 0;
  out.problem = null;
  let ts = view.getUint32(at + header.timestampOffset, true) + view.getUint32(at + header.timestampOffset + 4, true) * TWO_32;
  const commit =
    header.commitSize === 8
      ? view.getUint32(at + header.commitOffset, true) + view.getUint32(at + header.commitOffset + 4, true) * TWO_32
      : view.getUint32(at + header.commitOffset, true);
  const commitLow = commit % TWO_32;
  let size = commitLow & COMMIT_MASK;
  const dataAt = at + header.dataOffset;
  const room = pageSize - header.dataOffset;
  if (size > room) {
    out.problem = `the page's commit says ${size} bytes of data, the page holds ${room}`;
    size = room;
  }
  if (commitLow >= MISSED_EVENTS) {
    const storedAt = dataAt + size;
    if (commitLow & MISSED_STORED && storedAt + header.commitSize <= at + pageSize) {
      out.lost =
        header.commitSize === 8 ? view.getUint32(storedAt, true) + view.getUint32(storedAt + 4, true) * TWO_32 : view.getUint32(storedAt, true);
    } else out.lost = -1;
  }
  const end = dataAt + size;
  let p = dataAt;
  while (p + 4 <= end) {
    const word = view.getUint32(p, true);
    const typeLen = word & 31;
    const delta = word >>> 5;
    p += 4;
    if (typeLen === PADDING) {
      if (p + 4 > end) break;
      const skip = view.getUint32(p, true);
      // A padding entry without a delta discards the rest of the page.
      if (delta === 0 && skip === 0) break;
      p += skip;
      ts += delta;
      continue;
    }
    if (typeLen === TIME_EXTEND || typeLen === TIME_STAMP) {
      if (p + 4 > end) {
        out.problem ??= 'a time entry runs past the end of the page data';
        break;
      }
      const extend = view.getUint32(p, true) * TWO_27 + delta;
      p += 4;
      ts = typeLen === TIME_STAMP ? extend : ts + extend;
      continue;
    }
    let length: number;
    if (typeLen === 0) {
      if (p + 4 > end) {
        out.problem ??= 'a record length runs past the end of the page data';
        break;
      }
      const stored = view.getUint32(p, true);
      p += 4;
      if (stored < 4) {
        out.problem ??= `a record claims a length of ${stored}`;
        break;
      }
      length = (stored - 4 + 3) & ~3;
    } else length = typeLen * 4;
    ts += delta;
    if (p + length > end) {
      out.problem ??= `a record of ${length} bytes runs past the end of the page data`;
      break;
    }
    const i = out.count++;
    out.ts[i] = ts;
    out.start[i] = p - at;
    out.length[i] = length;
    p += length;
  }
}
