// Bad input: truncated, binary, empty, garbage, gzip, hostile strings, and
// parsers fuzzed with mutated real lines.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { readTraceFile } from '../../../extension/node/trace-file';
import { decodeCall, FORMATS, replayTraceCall, TraceError, TraceReader, type RawCall } from '../../../extension/trace';
import { parserFor } from '../../../extension/trace/detect';
import { KERNEL_TRACES } from '../../support/kernel-traces';

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-trace-'));
function file(name: string, content: string | Buffer): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const KPROBE_CALL = [
  '# tracer: nop',
  '        workload-366     [000] ...1.    13.429533: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001100 count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0',
  '        workload-366     [000] ...1.    13.429641: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=4 gup_flags=0x1 pages=0xffff888101f1ce38',
  '        workload-366     [000] .....    13.429680: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4',
  '        workload-366     [000] .....    13.429734: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4',
];

async function calls(path: string, format: 'auto' | 'kprobe' = 'auto'): Promise<RawCall[]> {
  const out: RawCall[] = [];
  await readTraceFile(path, { format, onCall: (c) => out.push(c) });
  return out;
}

describe('trace: bad input', () => {
  it('reads a complete call, and the same call gzip-compressed', async () => {
    const plain = await calls(file('ok.trace', KPROBE_CALL.join('\n') + '\n'));
    const gz = await calls(file('ok.trace.gz', gzipSync(KPROBE_CALL.join('\n') + '\n')));
    assert.equal(plain.length, 1);
    assert.deepEqual(gz, plain);
    assert.equal(replayTraceCall(plain[0]!, '6.12', 'auto').verdict, 'match');
  });

  it('a file cut before the return keeps the call, marked incomplete, with what is missing', async () => {
    const cut = await calls(file('cut.trace', KPROBE_CALL.slice(0, 3).join('\n')));
    assert.equal(cut.length, 1);
    const result = replayTraceCall(cut[0]!, '6.12', 'auto');
    assert.equal(result.verdict, 'incomplete');
    assert.ok(result.missing.includes('return never seen'), result.missing.join());
    assert.deepEqual(result.lines, [2, 3]);
  });

  it('a line cut in the middle is counted and reported with its number, never fatal', async () => {
    const lines = [...KPROBE_CALL];
    // A line torn by a crash: the prefix is broken but it is clearly about our function.
    lines.splice(3, 0, '        workload-366     [000] ...1.    13.42 (netfs_extract_user_iter+0x4/0x2');
    const summaryCalls: RawCall[] = [];
    const summary = await readTraceFile(file('midcut.trace', lines.join('\n')), { onCall: (c) => summaryCalls.push(c) });
    assert.equal(summaryCalls.length, 1);
    assert.deepEqual(summary.skipped.examples.map((e) => e.line), [4]);
  });

  it('lost events inside a call mark it incomplete', async () => {
    const lines = [...KPROBE_CALL];
    lines.splice(2, 0, 'CPU:0 [LOST 17 EVENTS]');
    const summaryCalls: RawCall[] = [];
    const summary = await readTraceFile(file('lost.trace', lines.join('\n')), { onCall: (c) => summaryCalls.push(c) });
    assert.deepEqual(summary.lost, [{ line: 3, cpu: 0, count: 17 }]);
    assert.ok(decodeCall(summaryCalls[0]!, '6.12').missing.includes('events were lost while the call ran'));
  });

  it('in a sparse log (keyword jumps) the call and the lost-events lines are found, with their line numbers', async () => {
    const noise = (i: number) => `          <idle>-0       [000] d..2.  ${(1 + i / 1e4).toFixed(6)}: sched_switch: prev_comm=swapper/0 prev_pid=0 next_comm=kworker/0:1 next_pid=${i}`;
    const lines = ['# tracer: nop', ...Array.from({ length: 3000 }, (_, i) => noise(i)), 'CPU:1 [LOST 5 EVENTS]', ...Array.from({ length: 12000 }, (_, i) => noise(i)), 'CPU:2 [3 EVENTS DROPPED]', ...KPROBE_CALL, ...Array.from({ length: 3000 }, (_, i) => noise(i))];
    const found: RawCall[] = [];
    const summary = await readTraceFile(file('sparse.trace', lines.join('\n')), { onCall: (c) => found.push(c) });
    // The first MiB is read line by line while the format is detected; past it the reader jumps between keywords.
    assert.ok(lines.slice(0, 15002).join('\n').length > 1 << 20, 'the DROPPED line lies past the first chunk');
    assert.deepEqual(summary.lost, [{ line: 3002, cpu: 1, count: 5 }, { line: 15003, cpu: 2, count: 3 }]);
    assert.equal(found.length, 1);
    assert.equal(found[0]!.line, 15005, 'KPROBE_CALL opens with its own header line');
    assert.equal(summary.lines, lines.length);
  });

  it('binary, empty, missing and garbage files get a clear message', async () => {
    await assert.rejects(calls(file('bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]))), /binary file/);
    await assert.rejects(calls(file('empty', '')), /is empty/);
    await assert.rejects(calls(join(scratch, 'nope')), /cannot read .*nope: ENOENT/);
    await assert.rejects(calls(file('garbage', 'hello world\nthis is not a trace\n')), (e: Error) => e instanceof TraceError && /no known trace format \(line 1/.test(e.message));
    await assert.rejects(calls(scratch), /is not a file/);
  });

  it('a trace.dat cut after its version says where (read natively, trace-cmd or not)', async () => {
    const dat = Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing6\0')]);
    await assert.rejects(calls(file('x.trace.dat', dat)), /x\.trace\.dat: trace\.dat: endianness: needs 1 bytes, only 0 left \(byte 0xc\)/);
  });

  it('hostile strings in comm names and fields come through as plain data', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const lines = KPROBE_CALL.map((l) => l.replace('workload-366', `${hostile}-366`).replace('flags=0x0', `flags=0x0 note="</script><b>x"`));
    const [call] = await calls(file('hostile.trace', lines.join('\n')), 'kprobe');
    assert.equal(call!.comm, hostile);
    assert.equal(JSON.parse(JSON.stringify(replayTraceCall(call!, '6.12', 'auto'))).comm, hostile);
  });

  it('streams: any chunking of the bytes gives the same calls', () => {
    const bytes = new TextEncoder().encode(KPROBE_CALL.join('\r\n') + '\r\n');
    fc.assert(
      fc.property(fc.array(fc.nat(bytes.length), { maxLength: 6 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const out: RawCall[] = [];
        const reader = new TraceReader({ decode: (b, start, end) => new TextDecoder().decode(b.subarray(start, end)), onCall: (c) => out.push(c) });
        let last = 0;
        for (const p of [...points, bytes.length]) {
          reader.push(bytes.subarray(last, p));
          last = p;
        }
        reader.end();
        assert.equal(out.length, 1);
        assert.equal(out[0]!.exit?.new_count, '12288');
      }),
      { numRuns: 200 },
    );
  });

  it('every parser survives mutated real lines (fast-check): no exception, no hang', function () {
    const samples: Record<string, string> = {
      kprobe: 'kprobe/iovec.trace.txt',
      fprobe: 'fprobe/efault.trace.txt',
      function: 'function/efault.trace.txt',
      fgraph: 'fgraph_kprobe/efault.trace.txt',
      tracecmd: 'tracecmd/efault.report.txt',
      bpftrace: 'bpftrace/iovec.bt.txt',
      'bpftrace-json': 'bpftrace_json/iovec.bt.txt',
    };
    for (const format of FORMATS) {
      const lines = readFileSync(join(KERNEL_TRACES, samples[format]!), 'utf8').split('\n').slice(0, 400);
      fc.assert(
        fc.property(
          fc.nat(lines.length - 1),
          fc.nat(400),
          fc.string({ maxLength: 12 }),
          fc.nat(40),
          (index, at, insert, remove) => {
            const line = lines[index]!;
            const pos = at % (line.length + 1);
            const mutated = line.slice(0, pos) + insert + line.slice(pos + remove);
            const parser = parserFor(format);
            const out = parser.parse(mutated, 1);
            assert.ok(typeof out === 'string' || Array.isArray(out));
          },
        ),
        { numRuns: 300 },
      );
    }
  });
});
