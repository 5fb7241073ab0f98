// u64 fields are read exactly, and an IOVEC call whose recorded segments
// already hold its count is replayed (issue 14, items 3 and 4).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import { replayTraceCall, type RawCall } from '../../../extension/trace';
import { addressText, exactNumber, signed64 } from '../../../extension/trace/numbers';
import { pinscope } from '../../support/cli';
import { KERNEL_TRACES } from '../../support/kernel-traces';

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-exact-'));
function file(name: string, lines: readonly string[]): string {
  const path = join(scratch, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
async function calls(path: string): Promise<RawCall[]> {
  const out: RawCall[] = [];
  await readTraceFile(path, { onCall: (c) => out.push(c) });
  return out;
}

const UBUF = [
  '# tracer: nop',
  '        workload-366     [000] ...1.    13.429533: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001100 count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0',
  '        workload-366     [000] .....    13.429734: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4',
];

// From the real kprobe/iovec.trace.txt (6.12 guest): four segments, 13405 bytes, seven bvecs.
const IOV = (nrSegs: number, count = 13405) => [
  '# tracer: nop',
  `        workload-366     [000] ...1.    13.429439: xui_iov: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) type=1 nr_segs=${nrSegs} iov0_base=0x7f4d2ecd0007 iov0_len=13 iov1_base=0x7f4d2ecbffa0 iov1_len=200 iov2_base=0x7f4d2ecae000 iov2_len=8192 iov3_base=0x7f4d2ec9d4d2 iov3_len=5000`,
  `        workload-366     [000] ...1.    13.429533: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=1 nofault=0 source=0 iov_offset=0 ptr=0xffffc900004e3b40 count=${count} nr_segs=${nrSegs} orig_len=${count} new=0xffff888100b02de8 flags=0x0`,
  `        workload-366     [000] .....    13.429734: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=7 orig_iov_offset=0 orig_count=0 orig_nr_segs=0 new_count=13405 new_nr_segs=7`,
];

describe('trace: exact numbers', () => {
  it('reads u64 text exactly: a number while a double holds it, else the exact decimal', () => {
    assert.equal(exactNumber('12288'), 12288);
    assert.equal(exactNumber('9007199254740991'), 9007199254740991);
    assert.equal(exactNumber('9007199254740993'), '9007199254740993');
    assert.equal(exactNumber('18446744073709551615'), '18446744073709551615');
    assert.equal(exactNumber('0xffffffffffffffff'), '18446744073709551615');
    assert.equal(exactNumber('(fault)'), null);
    // ssize_t fetched as u64 or x64: two's complement, as the register held it.
    assert.equal(signed64('18446744073709551602'), -14);
    assert.equal(signed64('0xfffffffffffffff4'), -12);
    assert.equal(signed64('7'), 7);
    assert.equal(addressText('18446612686370126616'), '0xffff8881004e3b18');
  });

  it('orig_len=2^64-1 makes the call incomplete with the field and its exact value, never a rounded number', async () => {
    const [call] = await calls(file('huge.trace', UBUF.map((l) => l.replace('orig_len=12288', 'orig_len=18446744073709551615'))));
    const result = replayTraceCall(call!, '6.12', 'v3');
    assert.equal(result.verdict, 'incomplete');
    assert.equal(result.input, null);
    assert.ok(result.missing.some((m) => m.includes('orig_len=18446744073709551615')), result.missing.join('; '));
    assert.equal(result.observed.args?.origLen, '18446744073709551615');
    const json = JSON.stringify(result);
    assert.ok(!json.includes('18446744073709552000'), 'no rounded value anywhere');
  });

  it('pinscope replay shows the exact value in its table and JSON', async () => {
    const path = file('huge-cli.trace', UBUF.map((l) => l.replace('orig_len=12288', 'orig_len=18446744073709551615')));
    for (const args of [[path], [path, '--json']]) {
      const run = pinscope('replay', ...args);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /18446744073709551615/);
      assert.doesNotMatch(run.stdout, /18446744073709552000/);
    }
  });

  it('a return fetched as u64 (-14 printed 18446744073709551602) is read as -14', async () => {
    const [call] = await calls(file('u64-ret.trace', UBUF.map((l) => l.replace(' ret=4 ', ' ret=18446744073709551602 '))));
    const result = replayTraceCall(call!, '6.12', 'v3');
    assert.equal(result.observed.ret, -14);
    assert.equal(result.verdict, 'mismatch', 'all pages mapped in the model: it returns 4, the kernel -14');
  });

  it('a count past 2^53 seen at return is named and not compared', async () => {
    const [call] = await calls(file('huge-new.trace', UBUF.map((l) => l.replace('new_count=12288', 'new_count=9007199254740993'))));
    const result = replayTraceCall(call!, '6.12', 'v3');
    assert.equal(result.observed.bytes, null);
    assert.equal(result.verdict, 'incomplete');
    assert.ok(result.missing.some((m) => m.includes('new_count=9007199254740993')), result.missing.join('; '));
  });
});

describe('trace: IOVEC segments covering the count', () => {
  it('all segments recorded: replayed (the baseline)', async () => {
    const [call] = await calls(file('iov4.trace', IOV(4)));
    assert.equal(replayTraceCall(call!, '6.12', 'v3').verdict, 'match');
  });

  it('4 of 6 segments recorded but they hold the whole count: the other two are empty, and the call is replayed', async () => {
    const [call] = await calls(file('iov6.trace', IOV(6)));
    const result = replayTraceCall(call!, '6.12', 'v3');
    assert.deepEqual(result.missing, []);
    assert.equal(result.verdict, 'match');
    assert.equal(result.input?.segments.length, 6);
    assert.deepEqual(result.input?.segments.slice(4), [{ addr: '0x0', len: 0 }, { addr: '0x0', len: 0 }]);
    assert.equal(result.predicted?.ret, 7);
  });

  it('4 of 5 recorded holding less than the count: still incomplete, saying so', async () => {
    const [call] = await calls(file('iov5.trace', IOV(5, 14000)));
    const result = replayTraceCall(call!, '6.12', 'v3');
    assert.equal(result.verdict, 'incomplete');
    assert.ok(result.missing.includes('iovec segments (4 of 5 recorded)'), result.missing.join('; '));
  });
});

describe('trace: exact numbers in pin rounds', () => {
  it('a pin round whose nr_pages is past 2^53 is named, and the call not compared', async () => {
    const lines = [
      ...UBUF.slice(0, 2),
      '        workload-366     [000] ...1.    13.429641: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=18446744073709551615 gup_flags=0x1 pages=0xffff888101f1ce38',
      '        workload-366     [000] .....    13.429680: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4',
      UBUF[2]!,
    ];
    const [call] = await calls(file('huge-round.trace', lines));
    const result = replayTraceCall(call!, '6.12', 'v3');
    assert.equal(result.verdict, 'incomplete');
    assert.ok(result.missing.some((m) => m.includes('pin round 1 nr_pages=18446744073709551615')), result.missing.join('; '));
  });
});

describe('trace: a lost segment line', () => {
  it('a bpftrace call missing one of its segment lines is incomplete, saying how many were recorded (no crash on the hole)', async () => {
    const lines = readFileSync(join(KERNEL_TRACES, 'bpftrace/iovec.bt.txt'), 'utf8').split('\n');
    const hole = lines.findIndex((l) => l.startsWith('xui_iov ') && l.includes(' idx=1 '));
    lines.splice(hole, 1);
    const [first] = await calls(file('hole.bt.txt', lines));
    const result = replayTraceCall(first!, '6.12', 'v3');
    assert.equal(result.verdict, 'incomplete');
    assert.ok(result.missing.includes('iovec segments (1 of 4 recorded)'), result.missing.join('; '));
  });
});
