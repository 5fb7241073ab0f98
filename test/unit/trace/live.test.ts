// A live trace (pinscope record): a call is handed out when its task starts
// the next one; when the stream goes quiet, flushReturned hands out the calls
// that have returned without waiting. The trace is one pinscope record made
// in the test guest (busybox dd: three 8 KiB writes, three 16 KiB reads).
import assert from 'node:assert/strict';
import { TraceReader, type RawCall } from '../../../extension/trace';
import { fixtureText } from '../../support/fixtures';

const LINES = fixtureText('recorded/dd-kprobe.trace').split('\n');

function reader(calls: RawCall[]): TraceReader {
  return new TraceReader({ format: 'kprobe', decode: (b, s, e) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', s, e), onCall: (c) => calls.push(c) });
}

describe('trace: a live stream', () => {
  it('holds the last call of each task until the stream is quiet, then hands out what has returned, unpins included', () => {
    const calls: RawCall[] = [];
    const r = reader(calls);
    // Up to the third write's unpins: two writes are out (the third started), the third has returned.
    const firstRead = LINES.findIndex((l) => /xui_entry: .* source=0 /.test(l));
    assert.ok(firstRead > 0);
    r.push(Buffer.from(LINES.slice(0, firstRead).join('\n') + '\n'));
    assert.equal(calls.length, 2);
    r.flushReturned();
    assert.equal(calls.length, 3);
    assert.equal(calls[2]!.unpins.length, 2);
    assert.equal(calls[2]!.exit?.ret, '2');
    // The reads come after, in order; the end hands out the last one.
    r.push(Buffer.from(LINES.slice(firstRead).join('\n')));
    const summary = r.end();
    assert.equal(summary.calls, 6);
    assert.deepEqual(calls.map((c) => c.entry?.orig_len), ['8192', '8192', '8192', '16384', '16384', '16384']);
  });

  it('does not hand out a call still open, and a flush twice hands out nothing twice', () => {
    const calls: RawCall[] = [];
    const r = reader(calls);
    const firstExit = LINES.findIndex((l) => /xui_exit/.test(l));
    r.push(Buffer.from(LINES.slice(0, firstExit).join('\n') + '\n'));
    r.flushReturned();
    assert.equal(calls.length, 0, 'the call has not returned yet');
    r.push(Buffer.from(LINES[firstExit] + '\n'));
    r.flushReturned();
    r.flushReturned();
    assert.equal(calls.length, 1);
    r.end();
    assert.equal(calls.length, 1);
  });
});
