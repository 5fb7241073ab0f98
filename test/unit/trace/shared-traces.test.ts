// Every trace file of test/fixtures/kernel-traces yields exactly its expected_calls: the
// same number of calls, in order, with the inputs, return value, iterators
// after the call, pin rounds, unpins and bvecs each format records.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import { decodeCall, replayTraceCall, type DecodedCall } from '../../../extension/trace';
import { KERNEL_TRACES, traceFiles, type ExpectedCall } from '../../support/kernel-traces';

interface Expected extends ExpectedCall {
  readonly pid?: number | null;
  readonly comm?: string | null;
  readonly cpu?: number;
  readonly caller?: string;
  readonly args?: ExpectedCall['args'] & {
    iter_type?: number;
    nofault?: number;
    count?: number;
    nr_segs?: number;
    ubuf?: string;
    iov_first4?: Array<{ idx: number; base: string; len: number; meaningful: boolean }>;
  };
  readonly iov?: Array<{ idx: number; base: string; len: number }>;
  readonly new_after?: { count: number; nr_segs: number; iter_type: number; data_source: number };
}

function checkCall(got: DecodedCall, want: Expected, where: string): void {
  const o = got.observed;
  const a = want.args;
  if (a && a.orig_len !== undefined) {
    assert.ok(o.args, `${where}: arguments recorded`);
    assert.deepEqual(
      [o.args.origLen, o.args.iterType, o.args.dataSource, o.args.nofault, o.args.iovOffset, o.args.count, o.args.nrSegs],
      [a.orig_len, a.iter_type, a.data_source, a.nofault, a.iov_offset, a.count, a.nr_segs],
      `${where}: arguments`,
    );
    if (a.ubuf) assert.equal(o.args.ptr, a.ubuf, `${where}: user buffer`);
    for (const slot of (a.iov_first4 ?? []).filter((s) => s.meaningful)) {
      assert.deepEqual(o.args.iov[slot.idx], { base: slot.base, len: slot.len }, `${where}: iov[${slot.idx}]`);
    }
  }
  for (const seg of want.iov ?? []) assert.deepEqual(o.args?.iov[seg.idx], { base: seg.base, len: seg.len }, `${where}: iov[${seg.idx}]`);
  if (want.ret !== undefined) assert.equal(o.ret, want.ret, `${where}: return value`);
  if (want.orig_after) {
    assert.deepEqual(
      [o.origAfter?.count, o.origAfter?.iovOffset, o.origAfter?.nrSegs],
      [want.orig_after.count, want.orig_after.iov_offset, want.orig_after.nr_segs],
      `${where}: orig after`,
    );
  }
  if (want.new_after && want.ret !== undefined && want.ret >= 0) {
    assert.deepEqual([o.bytes, o.nrSegs], [want.new_after.count, want.new_after.nr_segs], `${where}: new after`);
  }
  const detailed = want.pin_rounds.filter((p) => p.start !== undefined);
  if (detailed.length) {
    assert.deepEqual(
      o.pinRounds.map((p) => [p.start, p.nrPages, p.gupFlags, p.ret]),
      detailed.map((p) => [p.start, p.nr_pages, p.gup_flags, p.ret]),
      `${where}: pin rounds`,
    );
  }
  assert.equal(o.pinCalls, want.pin_rounds.length, `${where}: pin_user_pages_fast calls`);
  if (want.unpins) {
    assert.equal(o.unpins, want.unpins.length, `${where}: unpins`);
  }
  for (const bv of want.bvecs ?? []) {
    const mine = o.bvecs.find((b) => b.idx === bv.idx);
    assert.deepEqual([mine?.offset, mine?.len], [bv.offset, bv.len], `${where}: bvec ${bv.idx}`);
  }
  // Every slot a kprobe printed, meaningful or stale heap bytes, is kept for the view.
  for (const slot of want.bvec_slots_first4 ?? []) {
    const mine = o.bvecs.find((b) => b.idx === slot.idx);
    assert.deepEqual([mine?.offset, mine?.len], [slot.offset, slot.len], `${where}: bvec slot ${slot.idx}${slot.meaningful ? '' : ' (stale)'}`);
  }
  if (want.graph_children) assert.deepEqual(o.children, want.graph_children, `${where}: graph children`);
  if (want.caller) assert.equal(o.caller, want.caller, `${where}: caller`);
}

describe('trace: the real traces of test/fixtures/kernel-traces', function () {
  const files = traceFiles();
  for (const file of files) {
    it(`${file.path} (${file.format}) yields exactly its ${file.expected_calls.length} expected calls`, async () => {
      const calls: Array<{ decoded: DecodedCall; pid: number | null; comm: string | null; cpu: number | null }> = [];
      const summary = await readTraceFile(join(KERNEL_TRACES, file.path), {
        onCall: (raw) => calls.push({ decoded: decodeCall(raw, '6.12'), pid: raw.pid, comm: raw.comm, cpu: raw.cpu }),
      });
      assert.equal(summary.skipped.lines, 0, `unreadable lines: ${JSON.stringify(summary.skipped.examples)}`);
      assert.equal(calls.length, file.expected_calls.length, 'number of calls');
      (file.expected_calls as Expected[]).forEach((want, i) => {
        const where = `call ${i + 1} (seq ${want.seq})`;
        const got = calls[i]!;
        if (want.pid !== undefined && want.pid !== null && got.pid !== null) assert.equal(got.pid, want.pid, `${where}: pid`);
        if (want.comm) assert.equal(got.comm, want.comm, `${where}: comm`);
        if (want.cpu !== undefined) assert.equal(got.cpu, want.cpu, `${where}: cpu`);
        checkCall(got.decoded, want, where);
      });
    });
  }

  it('replays every complete call to a match (the kernel was v3)', async () => {
    let matches = 0;
    for (const file of files) {
      await readTraceFile(join(KERNEL_TRACES, file.path), {
        onCall: (raw) => {
          const result = replayTraceCall(raw, '6.12', 'v3');
          assert.notEqual(result.verdict, 'mismatch', `${file.path} line ${raw.line}: ${result.differences.join('; ')}`);
          if (result.verdict === 'match') matches++;
        },
      });
    }
    assert.ok(matches >= 150, `${matches} calls matched`);
  });
});
