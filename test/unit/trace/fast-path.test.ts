// The fast reading of a trace gives exactly what the plain one gives: the
// prefix read by hand against the regex, short numbers against BigInt, and
// the whole reader (keyword skipping, chunks of any size, CRLF, a cut last
// line) against one decoding every line of the text in one piece, for every
// text trace of test/fixtures/kernel-traces.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { newReader } from '../../../extension/node/trace-file';
import { TraceReader, type RawCall } from '../../../extension/trace';
import type { TraceEvent } from '../../../extension/trace/events';
import { FtraceParser, PREFIX } from '../../../extension/trace/formats/ftrace';
import { matchPrefix, UNSURE, type PrefixMatch } from '../../../extension/trace/formats/ftrace-prefix';
import { addressText, exactNumber, signed64 } from '../../../extension/trace/numbers';
import { KERNEL_TRACES, traceFiles } from '../../support/kernel-traces';

/** The text traces (a trace.dat is read another way), with the format each is read as. */
const TEXT_TRACES = [...new Map(traceFiles().filter((f) => !f.path.endsWith('.dat')).map((f) => [f.path, f])).values()];
const FTRACE_FORMATS = new Set(['kprobe', 'fprobe', 'function', 'tracecmd']);

describe('trace: the fast path reads what the plain path reads', () => {
  it('has text traces of every ftrace format to compare', () => {
    const formats = new Set(TEXT_TRACES.map((f) => f.format));
    for (const format of FTRACE_FORMATS) assert.ok(formats.has(format), format);
  });

  describe('the "COMM-PID [CPU] FLAGS TS:" prefix read by hand', () => {
    const out: PrefixMatch = { index: 0, end: 0, pid: 0, cpu: 0, ts: 0 };

    /** The regex's reading, in the hand reader's terms (null: no prefix). */
    function byRegex(text: string): Omit<PrefixMatch, never> | null {
      const m = PREFIX.exec(text);
      return m ? { index: m.index, end: m.index + m[0].length, pid: Number(m[1]), cpu: Number(m[2]), ts: Number(m[4]) } : null;
    }

    function check(text: string): void {
      const found = matchPrefix(text, out);
      if (found === UNSURE) return; // the regex decides these
      assert.deepEqual(found ? { ...out } : null, byRegex(text), JSON.stringify(text));
    }

    it('matches the regex on every line of the real traces', () => {
      let matched = 0;
      for (const file of TEXT_TRACES) {
        for (const text of readFileSync(join(KERNEL_TRACES, file.path), 'utf8').split('\n')) {
          check(text);
          if (matchPrefix(text, out) === true) matched++;
        }
      }
      assert.ok(matched > 1000, `${matched} prefixes read by hand`);
    });

    it('matches the regex on the odd shapes: dashes in COMM, the tgid column, no flags, long numbers, near misses', () => {
      const lines = [
        '          <idle>-0       [000] d..2. 12345.678901: sched_switch: prev_comm=swapper/0',
        '  kworker/u8:2-events_unbound-123   [001] ....  17.5: xui_entry: (x)',
        '     fio-job-7-4242  (   4242) [003] d.h1. 99.000001: pupf_exit: ret=1',
        '     fio-4242  (-------) [003] d.h1. 99.000001: pupf_exit: ret=1',
        '       dd-77     [000]  4012.123456: xui_exit:    ret=0',
        '       dd-77     [000] 1.5: a',
        '       dd-77     [000] abc 1.5: a',
        '       dd-77     [000] abcdefg 1.5: a',
        '       dd-77     [000] ab 1.5: a',
        '       dd-77     [000] d..2. 1.5:a',
        '       dd-77     [000] d..2. 1.5 : a',
        '       dd-77     [000] d..2. .5: a',
        '       dd-77 [000] d..2. 1.: a',
        '       dd--77     [000] d..2. 1.5: a',
        '       dd-77-88     [000] d..2. 1.5: a',
        '       dd-77\t[000]\td..2.\t1.5:\ta',
        '       dd-1234567890123456789 [12345678901234567890] ..... 123456789012.1234567890123: big',
        '       dd-9 [0] ..... 0.00000000000000000000001: tiny',
        '       dd-9 [0] ..... 1.000000000000000000000001: past 22 digits',
        '       dd-77     [000] d..2. 1.5: \u00a0a',
        '       dd\u00e9-77     [000] d..2. 1.5: accented comm',
        '       dd-77\u00a0[000] d..2. 1.5: no-break space',
        'CPU:0 [LOST 12 EVENTS]',
        '# tracer: nop',
        '',
        '-',
        '-1',
        '-1 ',
        '-1 [',
        '-1 [2',
        '-1 [2]',
        '-1 [2] ',
        '-1 [2] 3.4',
        '-1 [2] 3.4:',
        '-1 [2] 3.4: ',
      ];
      for (const text of lines) check(text);
      assert.equal(matchPrefix('       dd-77\u00a0[000] d..2. 1.5: x', out), UNSURE, 'a space past ASCII is left to the regex');
    });
  });

  it('reads short numbers as the BigInt reading does', () => {
    // The reading before the fast path: every value through BigInt.
    const big = (text: string): bigint | null => {
      const t = text.trim();
      return /^-?\d+$/.test(t) || /^0x[0-9a-fA-F]+$/.test(t) ? BigInt(t) : null;
    };
    const exact = (b: bigint) => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString());
    const texts = [
      ...['0', '-0', '00', '007', '1', '-1', '42', '999999999999999', '-999999999999999', '9999999999999999', '9007199254740991', '9007199254740993'],
      ...['18446744073709551615', '18446744073709551602', '-9223372036854775808', '0x0', '0x00', '0x1f', '0x1F', '0xABCdef', '0X1f', '0x'],
      ...['0xfffffffffffff', '0x1fffffffffffff', '0x0000000000001', '0xffffffffffffffff', '0xfffffffffffffff2', '0xffffc900004e3b18', '0x7f0000001100'],
      ...['', '-', '+5', ' 5', '5 ', '1.5', '(fault)', '0x-1', '1e3', 'abc', '12a', '٣'],
    ];
    for (const text of texts) {
      const b = big(text);
      assert.deepEqual(exactNumber(text), b === null ? null : exact(b), `exactNumber(${JSON.stringify(text)})`);
      const s = b === null ? null : b >= 1n << 63n && b < 1n << 64n ? b - (1n << 64n) : b;
      assert.deepEqual(signed64(text), s === null ? null : exact(s), `signed64(${JSON.stringify(text)})`);
      assert.equal(addressText(text), b === null || b < 0n ? null : '0x' + b.toString(16), `addressText(${JSON.stringify(text)})`);
    }
  });

  describe('every ftrace line of the real traces parses the same with the prefix read by hand and by the regex', () => {
    for (const file of TEXT_TRACES.filter((f) => FTRACE_FORMATS.has(f.format))) {
      it(file.path, () => {
        const keywords = file.format === 'tracecmd' ? null : undefined;
        const fast = new FtraceParser(keywords);
        const plain = new FtraceParser(keywords, false);
        readFileSync(join(KERNEL_TRACES, file.path), 'utf8')
          .split('\n')
          .forEach((text, i) => assert.deepEqual(fast.parse(text, i + 1), plain.parse(text, i + 1), `line ${i + 1}`));
      });
    }
  });

  it('reads odd probe lines with the prefix read by hand as with the regex: LOCATION near misses, names, spaces, characters past ASCII', () => {
    const head = '        workload-4242     [001] ...1.  1044.305166: ';
    const bodies = [
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 count=12288',
      'xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 new_count=12288',
      'pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4',
      'unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000',
      'r_netfs_extract_user_iter_0: (ffffffffc0a1b2c3 <- ffffffff81234567) arg1=4',
      'p_netfs_extract_user_iter_0: (ffffffff81234567) arg2=4096',
      'xui_exit: (caller+0x1/0x2 <- ffffffff81234567) ret=1',
      'xui_exit: (ffff+0x1/0x2 <- deadbeef) ret=1',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [bad.mod]) count=1',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs] count=1',
      'xui_entry: (netfs_extract_user_iter+0x/0x2e0) count=1',
      'xui_entry: (netfs_extract_user_iter) count=1',
      'xui_exit: (x+0x1/0x2 <- bad-name) ret=1',
      'xui_exit: (x+0x1/0x2 <- ) ret=1',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0)',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0)   ',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0)count=1',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0)\u00a0count=1',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0) count=1 \u00a0',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0) count=1\t',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0) arr={1 2 3} s="a b" count=1',
      'xui entry: (netfs_extract_user_iter+0x4/0x2e0) count=1',
      'xui_entry:  (netfs_extract_user_iter+0x4/0x2e0) count=1',
      'xui_entry:(netfs_extract_user_iter+0x4/0x2e0) count=1',
      ': (netfs_extract_user_iter+0x4/0x2e0) count=1',
      'tracing_mark_write: (x) pinscope call=1',
      'funcgraph_entry: (x) depth=1',
      'netfs_extract_user_iter <-netfs_unbuffered_read_iter_locked: (x)',
      'my_probe: (some_other_function+0x4/0x10) a=1',
      'xui_entry: (netfs_extract_user_iter+0x4/0x2e0) orig_len=1 iov0_base=0x1 iov0_len=2',
      'xui_iov: (netfs_extract_user_iter+0x4/0x2e0) iov0_base=0x1 iov0_len=2',
      'unpin_page: (unpin_user_pages_dirty_lock+0x4/0x60) page=0x1',
    ];
    const comms = ['        workload-4242', '  kworker/u8:2-events_unbound-4242', '       d\u00e9-4242', '\u00e9-4242', '-4242'];
    const fast = new FtraceParser();
    const plain = new FtraceParser(undefined, false);
    let events = 0;
    for (const comm of comms) {
      for (const body of bodies) {
        const text = comm + head.slice(head.indexOf('-4242') + 5) + body;
        const want = plain.parse(text, 1);
        assert.deepEqual(fast.parse(text, 1), want, JSON.stringify(text));
        if (Array.isArray(want)) events += want.length;
      }
    }
    assert.ok(events > 50, `${events} events compared`);
  });

  describe('the reader, skipping lines by keyword over chunks of any size, gives the calls of one decoding every line', () => {
    /** Calls, late lines and the summary: everything a reading hands out. */
    function read(make: (onCall: (c: RawCall) => void, onLate: (e: TraceEvent) => void) => TraceReader, chunks: Buffer[]): string {
      const out: unknown[] = [];
      const reader = make(
        (c) => out.push(['call', c]),
        (e) => out.push(['late', e]),
      );
      for (const chunk of chunks) reader.push(chunk);
      out.push(['summary', reader.end()]);
      return JSON.stringify(out);
    }

    const plain = (text: Buffer) =>
      read((onCall, onLate) => new TraceReader({ decode: (b, s, e) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', s, e), onCall, onLate }), [text]);
    const fast = (text: Buffer, size: number) => {
      const chunks: Buffer[] = [];
      for (let at = 0; at < text.length; at += size) chunks.push(text.subarray(at, at + size));
      return read((onCall, onLate) => newReader({ onCall, onLate }), chunks);
    };

    for (const file of TEXT_TRACES) {
      it(file.path, function () {
        this.timeout(120_000); // a few hundred readings of the file
        const lf = readFileSync(join(KERNEL_TRACES, file.path));
        const variants: Array<[string, Buffer]> = [
          ['as recorded', lf],
          ['CRLF', Buffer.from(lf.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')],
          // The last line cut (no newline at the end), and cut inside its last call's lines.
          ['last line cut', lf.subarray(0, lf.lastIndexOf(10, lf.length - 2) + 40)],
          ['cut mid-call', lf.subarray(0, Math.floor(lf.length * 0.6))],
        ];
        for (const [what, text] of variants) {
          const want = plain(text);
          assert.ok(want.includes('"call"'), `${what}: calls to compare`);
          for (const size of [7, 61, 4096, 1 << 20]) assert.equal(fast(text, size), want, `${what}, chunks of ${size} bytes`);
        }
      });
    }
  });
});
