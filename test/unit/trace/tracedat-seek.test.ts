// A trace.dat's call read again from the checkpoint before it (not from the
// file's start) is the call the whole read made: on every real .dat and its
// conversions, with checkpoints close together so that reads resume mid-page
// and mid-chunk; and on bigger files made of a real one's records, four CPUs
// with every task migrating between them within its calls, lost events
// included, where each call is read with a small fraction of the file; and
// the merge resumed at any checkpoint goes on exactly as the whole read did.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RawCall } from '../../../extension/trace';
import { bytesSource, openTraceDat, readTraceDat, readTraceDatSpan, type ByteSource, type DatSeekTable } from '../../../extension/trace/tracedat';
import { DatMerge } from '../../../extension/trace/tracedat/merge';
import { CHECKPOINT_RECORDS, positionsAt } from '../../../extension/trace/tracedat/seek';
import { KERNEL_TRACES } from '../../support/kernel-traces';
import { fixtureDat, reencodeWithZlib, synthesizeDat } from '../../support/tracedat';

const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/** A source that counts the bytes read from it. */
function counted(bytes: Uint8Array): ByteSource & { read_: number } {
  const inner = bytesSource(bytes);
  const source = {
    size: inner.size,
    read_: 0,
    read: (offset: number, length: number) => {
      source.read_ += length;
      return inner.read(offset, length);
    },
  };
  return source;
}

async function wholeRead(bytes: Uint8Array, every?: number): Promise<{ calls: RawCall[]; table: DatSeekTable; records: number }> {
  const calls: RawCall[] = [];
  const summary = await readTraceDat(bytesSource(bytes), { decode: utf8, onCall: (c) => calls.push(c), checkpoints: true, ...(every ? { checkpointEvery: every } : {}) });
  assert.ok(summary.seek, 'checkpoints were asked for');
  return { calls, table: summary.seek, records: summary.dat.records };
}

/** Every call read again from its checkpoint equals the whole read's; returns the most bytes one call read. */
async function everyCallAgain(bytes: Uint8Array, every?: number): Promise<{ calls: RawCall[]; mostBytes: number; table: DatSeekTable; records: number }> {
  const { calls, table, records } = await wholeRead(bytes, every);
  assert.ok(calls.length > 0);
  const source = counted(bytes);
  const file = await openTraceDat(source, utf8);
  let mostBytes = 0;
  for (const call of calls) {
    source.read_ = 0;
    const again = await readTraceDatSpan(source, file, table, { from: call.spanLine, to: call.lastLine, pid: call.pid }, utf8);
    mostBytes = Math.max(mostBytes, source.read_);
    const found = again.filter((c) => c.line === call.line);
    assert.equal(found.length, 1, `the call at record ${call.line} is found again, once`);
    // Only its number among the calls differs: the read again makes fewer.
    const { index: _i, ...want } = call;
    const { index: _j, ...got } = found[0]!;
    assert.deepEqual(got, want, `the call at record ${call.line}`);
  }
  return { calls, mostBytes, table, records };
}

/** The next `n` records of a merge (started here when it is new): CPU, timestamp, first payload word, lost events reported before it. */
async function trail(merge: DatMerge, n: number): Promise<string[]> {
  if (merge.records === 0 && merge.live.length === 0) await merge.start();
  const out: string[] = [];
  while (merge.live.length && out.length < n) {
    const best = merge.pick();
    const c = merge.live[best]!;
    const i = c.next++;
    merge.records++;
    const lost = merge.pending.delete(c) ? ` lost ${c.page.lost}` : '';
    out.push(`${c.cpu.cpu} ${c.page.ts[i]} ${c.dataView.getUint32(c.pageStart + c.page.start[i]!, true)}${lost}`);
    if (c.next >= c.page.count) await merge.moveOn(best);
  }
  return out;
}

/** The CPU of every record, by record number, as the merge numbers them. */
async function cpuOfRecords(bytes: Uint8Array): Promise<Int16Array> {
  const source = bytesSource(bytes);
  const records = await trail(new DatMerge(source, await openTraceDat(source, utf8)), Infinity);
  return Int16Array.from([-1, ...records.map((r) => Number(r.split(' ')[0]))]);
}

describe('trace: a trace.dat call read again from a checkpoint', function () {
  this.timeout(180_000);

  it('every call of every real .dat, and of its v6, uncompressed and zlib conversions, equals the whole read, resuming mid-page and mid-chunk', async () => {
    const files: Array<[string, Uint8Array]> = ['aligned', 'unaligned', 'iovec', 'efault'].map((n) => [n, readFileSync(join(KERNEL_TRACES, `tracecmd/${n}.trace.dat`))]);
    files.push(['aligned.v6', fixtureDat('aligned.v6')], ['aligned.uncompressed', fixtureDat('aligned.uncompressed')], ['aligned zlib, 3 pages a chunk', reencodeWithZlib(fixtureDat('aligned.uncompressed'), 3)]);
    let calls = 0;
    for (const [name, bytes] of files) {
      // 97 records apart: checkpoints fall inside pages and chunks, not on their edges.
      const { table, records, calls: read } = await everyCallAgain(bytes, 97);
      assert.equal(table.count, Math.ceil(records / 97), `${name}: a checkpoint every 97 records`);
      calls += read.length;
    }
    assert.ok(calls >= 40, `${calls} calls`);
  });

  for (const compression of ['none', 'zlib'] as const) {
    it(`a bigger .dat (${compression}) of a real one's records on 4 CPUs, every task migrating within its calls, lost events: every call equals the whole read, each read with a small part of the file`, async () => {
      const bytes = await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies: 60, cpus: 4, compression, lostEvery: 50 });
      const cpuOf = await cpuOfRecords(bytes);
      const { calls, mostBytes, table, records } = await everyCallAgain(bytes);
      assert.equal(table.streams, 4);
      assert.equal(table.count, Math.ceil(records / CHECKPOINT_RECORDS));
      assert.ok(records > 100_000, `${records} records`);
      assert.equal(calls.length, 60 * 5, 'five calls a copy');
      const migrated = calls.filter((c) => new Set(c.lines.map((l) => cpuOf[l])).size > 1);
      assert.equal(migrated.length, calls.length, 'every call ran on more than one CPU');
      assert.ok(calls.some((c) => c.lostInside) && calls.some((c) => !c.lostInside), 'lost events fall inside some calls, not all');
      assert.ok(calls[calls.length - 1]!.line > records * 0.9, 'the last call lies near the end of the file');
      // Read from the start, the last call would take nearly all of it.
      assert.ok(mostBytes < bytes.length / 10, `at most ${mostBytes} bytes read for one call, of ${bytes.length}`);
    });
  }

  it('resumed at any checkpoint, the merge goes on with the same records, lost events still to be reported included', async () => {
    // Every 5th page of CPUs 1-3 says events were lost; checkpoints 7 records apart catch some CPUs on such a page's first record.
    const bytes = await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies: 8, cpus: 4, compression: 'zlib', chunkPages: 2, lostEvery: 5 });
    const { table, records } = await wholeRead(bytes, 7);
    const file = await openTraceDat(bytesSource(bytes), utf8);
    const whole = await trail(new DatMerge(bytesSource(bytes), file), records);
    assert.ok(table.pending.some((p) => p === 1), 'some checkpoint has lost events pending');
    for (let k = 0; k < table.count; k++) {
      const merge = new DatMerge(bytesSource(bytes), file);
      await merge.resume(k * table.every, positionsAt(table, k));
      const from = k * table.every;
      assert.deepEqual(await trail(merge, 2 * table.every), whole.slice(from, from + 2 * table.every), `from checkpoint ${k}`);
    }
  });

  it('a record past the checkpoints, or checkpoints of another file, is refused with a message', async () => {
    const bytes = fixtureDat('aligned.uncompressed');
    const { table, records } = await wholeRead(bytes, 97);
    const file = await openTraceDat(bytesSource(bytes), utf8);
    await assert.rejects(readTraceDatSpan(bytesSource(bytes), file, table, { from: records + 200, to: records + 300, pid: null }, utf8), /record \d+ is not in the file's checkpoints/);
    const other = await synthesizeDat(bytes, { copies: 1, cpus: 2, compression: 'none' });
    await assert.rejects(readTraceDatSpan(bytesSource(other), await openTraceDat(bytesSource(other), utf8), table, { from: 1, to: 10, pid: null }, utf8), /has the file changed since it was loaded/);
  });
});
