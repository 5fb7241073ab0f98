// The ring-buffer page decoder on pages built entry by entry, for the entry
// kinds the real recordings rarely hold: time extends, absolute time stamps,
// padding (discarded events and the end of a page), long records whose
// length is in the next word, and the commit word's missed-events flags.
import assert from 'node:assert/strict';
import { decodePage, newPage } from '../../../extension/trace/tracedat/kbuffer';

const HEADER = { timestampOffset: 0, commitOffset: 8, commitSize: 8, dataOffset: 16 };
const PAGE = 4096;

/** A page: its timestamp, then entries given as 32-bit words, then (optionally) a stored lost count. */
function page(ts: bigint, words: number[], flags = 0, lost?: bigint): DataView {
  const view = new DataView(new ArrayBuffer(PAGE));
  view.setBigUint64(0, ts, true);
  const size = words.length * 4;
  view.setBigUint64(8, BigInt(size) | BigInt(flags), true);
  words.forEach((w, i) => view.setUint32(16 + i * 4, w >>> 0, true));
  if (lost !== undefined) view.setBigUint64(16 + size, lost, true);
  return view;
}

const entry = (typeLen: number, delta: number) => ((delta << 5) | typeLen) >>> 0;

describe('trace: trace.dat ring-buffer pages', () => {
  it('data entries, time extends, absolute time stamps, padding and long records', () => {
    const words = [
      entry(2, 100), 0xaaaa0001, 0xaaaa0002, // a 8-byte record 100 ns after the page start
      entry(30, 5), 1, // time extend: (1 << 27) + 5 ns
      entry(1, 0), 0xbbbb0001, // a 4-byte record right after it
      entry(29, 7), 8, 0xdead, // a discarded event, 7 ns: 8 bytes after its header, its length word included
      entry(31, 3), 2, // absolute time stamp: (2 << 27) + 3 ns
      entry(0, 10), 16, 0xcccc0001, 0xcccc0002, 0xcccc0003, // a record with its length (16, including the word) in the next word
    ];
    const out = newPage(PAGE);
    decodePage(page(1000n, words), 0, PAGE, HEADER, out);
    assert.equal(out.problem, null);
    assert.equal(out.lost, 0);
    assert.equal(out.count, 3);
    const afterExtend = 1000 + 100 + 2 ** 27 + 5;
    assert.deepEqual(Array.from(out.ts.subarray(0, 3)), [1100, afterExtend, 2 * 2 ** 27 + 3 + 10]);
    assert.deepEqual(Array.from(out.start.subarray(0, 3)), [20, 40, 72]);
    assert.deepEqual(Array.from(out.length.subarray(0, 3)), [8, 4, 12]);
  });

  it('the missed-events flags: a stored count, or lost with the count unknown', () => {
    const out = newPage(PAGE);
    decodePage(page(0n, [entry(1, 1), 7], 2 ** 31 + 2 ** 30, 42n), 0, PAGE, HEADER, out);
    assert.deepEqual([out.lost, out.count], [42, 1]);
    decodePage(page(0n, [entry(1, 1), 7], 2 ** 31), 0, PAGE, HEADER, out);
    assert.deepEqual([out.lost, out.count], [-1, 1]);
  });

  it('a padding entry without a delta ends the page; lengths past the data stop it with a reason', () => {
    const out = newPage(PAGE);
    decodePage(page(0n, [entry(1, 1), 7, entry(29, 0), 0, entry(1, 1), 9]), 0, PAGE, HEADER, out);
    assert.deepEqual([out.count, out.problem], [1, null]);
    decodePage(page(0n, [entry(1, 1), 7, entry(0, 1), 4000]), 0, PAGE, HEADER, out);
    assert.equal(out.count, 1);
    assert.match(out.problem ?? '', /runs past the end of the page data/);
    const forged = page(0n, [entry(1, 1), 7]);
    forged.setUint32(8, 5000, true);
    decodePage(forged, 0, PAGE, HEADER, out);
    assert.match(out.problem ?? '', /commit says 5000 bytes of data, the page holds 4080/);
  });
});
