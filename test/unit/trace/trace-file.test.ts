// Reading a trace file from disk: chunks from two reused buffers, progress, cancellation.
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import { TraceReader, type RawCall } from '../../../extension/trace';

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-trace-file-'));

/** One kprobe call (4 lines) for task `pid`, its lines padded so calls straddle chunk boundaries. */
function call(pid: number, i: number): string[] {
  const ts = (n: number) => (10 + i / 1000 + n / 1e6).toFixed(6);
  const pad = 'x'.repeat(i % 97);
  return [
    `      dd-${pid}     [000] ...1. ${ts(0)}: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001100 count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0 pad=${pad}`,
    `      dd-${pid}     [000] ...1. ${ts(1)}: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=4 gup_flags=0x1 pages=0xffff888101f1ce38`,
    `      dd-${pid}     [000] ..... ${ts(2)}: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4`,
    `      dd-${pid}     [000] ..... ${ts(3)}: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4`,
  ];
}

function summary(c: RawCall): string {
  return JSON.stringify([c.line, c.pid, c.entry, c.exit, c.pins.length]);
}

describe('trace: reading a file from disk', () => {
  const lines = ['# tracer: nop', ...Array.from({ length: 8000 }, (_, i) => call(1000 + (i % 5), i)).flat()];
  const path = join(scratch, 'big.trace');
  writeFileSync(path, lines.join('\n') + '\n');

  it('gives the same calls as reading the text in one piece, over chunks of reused buffers', async () => {
    assert.ok(statSync(path).size > 3 << 20, 'several chunks');
    const fromDisk: string[] = [];
    const result = await readTraceFile(path, { onCall: (c) => fromDisk.push(summary(c)) });
    const inOnePiece: string[] = [];
    const reader = new TraceReader({ decode: (b, start, end) => new TextDecoder().decode(b.subarray(start, end)), onCall: (c) => inOnePiece.push(summary(c)) });
    reader.push(new TextEncoder().encode(lines.join('\n') + '\n'));
    reader.end();
    assert.equal(fromDisk.length, 8000);
    assert.deepEqual(fromDisk, inOnePiece);
    assert.equal(result.lines, lines.length);
  });

  it('reports progress up to the file size, and stops with "cancelled" when asked', async () => {
    const size = statSync(path).size;
    const seen: number[] = [];
    await readTraceFile(path, { onCall: () => {}, onProgress: (read, total) => seen.push(read, total) });
    assert.deepEqual(seen.slice(-2), [size, size]);
    const stop = new AbortController();
    await assert.rejects(
      readTraceFile(path, { onCall: () => {}, signal: stop.signal, onProgress: () => stop.abort() }),
      /cancelled/,
    );
  });
});
