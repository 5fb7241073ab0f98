// trace.dat read natively: every real .dat gives exactly the calls of its
// own `trace-cmd report` text (pid, comm, CPU, timestamps to the report's
// microsecond, every field); trace-cmd's v6 and uncompressed conversions and
// a zlib re-encoding give the same; lost events are reported per CPU and on
// the calls they fall in; progress, cancellation; unsupported files say what
// they use; and mutated real files (truncated, forged sizes and offsets,
// garbage compressed data, a format file that does not parse) end in a
// located message, never another exception or a hang.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import { readTraceFile } from '../../../extension/node/trace-file';
import { TraceError, type RawCall } from '../../../extension/trace';
import type { TraceDatSummary } from '../../../extension/trace/tracedat';
import { KERNEL_TRACES } from '../../support/kernel-traces';
import { REPO_ROOT } from '../../support/fixtures';
import { fixtureDat, layout, reencodeWithZlib, rewriteDat } from '../../support/tracedat';

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-tracedat-'));
let written = 0;
function file(content: Buffer): string {
  const path = join(scratch, `${written++}.trace.dat`);
  writeFileSync(path, content);
  return path;
}

interface DatEntry {
  readonly path: string;
  readonly text_rendering: string;
  readonly lost_events: { overrun: number; 'commit overrun': number; 'dropped events': number };
}

function datFiles(): DatEntry[] {
  const manifest = JSON.parse(readFileSync(join(KERNEL_TRACES, 'manifest.json'), 'utf8')) as { files: Array<Partial<DatEntry> & { format?: string }> };
  const dats = manifest.files.filter((f): f is DatEntry & { format: string } => f.format === 'trace-cmd-dat' && typeof f.text_rendering === 'string');
  // The kernel's lost-event counts are recorded with the report's entry.
  return dats.map((d) => ({ ...d, lost_events: (manifest.files.find((f) => f.path === d.text_rendering) as DatEntry).lost_events }));
}

/** A call as both sources can tell it: no line numbers (a .dat has records, not lines), times in whole µs as the report prints them. */
function comparable(call: RawCall): unknown {
  const us = (ts: number | null) => (ts === null ? null : Math.round(ts * 1e6));
  // Where a call sits in its source (record numbers in a .dat, text lines and bytes in the report) differs by design.
  const { index: _index, line: _line, lines: _lines, lastLine: _last, lastTick: _tick, spanStart: _s, spanEnd: _e, spanLine: _sl, ...rest } = call;
  return { ...rest, entryTs: us(call.entryTs), exitTs: us(call.exitTs), lastTs: us(call.lastTs), pins: call.pins.map(({ line: _l, ...p }) => p) };
}

async function read(path: string, extra: Partial<Parameters<typeof readTraceFile>[1]> = {}): Promise<{ calls: RawCall[]; summary: TraceDatSummary }> {
  const calls: RawCall[] = [];
  const summary = (await readTraceFile(path, { ...extra, onCall: (c) => calls.push(c) })) as unknown as TraceDatSummary;
  return { calls, summary };
}

describe('trace: trace.dat read natively', function () {
  this.timeout(120_000);
  const dats = datFiles();
  it('has the real trace.dat files to read', () => assert.equal(dats.length, 4));

  it('the reader, zstd and zlib included, bundles for a browser with no Node shim (it can run in the webview)', async () => {
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'extension/trace/tracedat/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.some((i) => i.includes('fzstd')) && inputs.some((i) => i.includes('fflate')), inputs.join(', '));
    assert.ok(inputs.every((i) => i.startsWith('extension/') || i.startsWith('node_modules/fzstd/') || i.startsWith('node_modules/fflate/')), inputs.join(', '));
  });
  for (const dat of dats) {
    it(`${dat.path} gives exactly the calls of its trace-cmd report`, async () => {
      const native = await read(join(KERNEL_TRACES, dat.path));
      const report = await read(join(KERNEL_TRACES, dat.text_rendering));
      assert.equal(native.summary.dat.version, 7);
      // The machine, from the file's UNAME option (the text report does not say).
      assert.deepEqual([native.summary.kernelRelease, native.summary.arch], ['6.12.117+deb12-amd64', 'x86_64']);
      assert.equal(native.summary.dat.compression, 'zstd');
      assert.deepEqual(native.summary.skipped, { lines: 0, examples: [] });
      // The kernel's own per-CPU counts, as the manifest recorded them from trace-cmd's stats.
      for (const stat of native.summary.dat.kernelStats) {
        assert.deepEqual([stat.overrun, stat.commitOverrun, stat.dropped], [dat.lost_events.overrun, dat.lost_events['commit overrun'], dat.lost_events['dropped events']]);
      }
      assert.equal(native.summary.dat.kernelStats.length, 2, 'one CPUSTAT per CPU');
      assert.ok(report.calls.length >= 5, `${report.calls.length} calls in the report`);
      assert.deepEqual(native.calls.map(comparable), report.calls.map(comparable));
      // The raw timestamps are nanoseconds: within half a microsecond of the report's.
      native.calls.forEach((c, i) => assert.ok(Math.abs(c.entryTs! - report.calls[i]!.entryTs!) <= 0.5e-6 + 1e-9, `call ${i} entry time`));
    });
  }

  describe('the same trace in other encodings', () => {
    let original: unknown[] = [];
    before(async () => {
      original = (await read(join(KERNEL_TRACES, 'tracecmd/aligned.trace.dat'))).calls.map(comparable);
      assert.equal(original.length, 5);
    });

    it('file version 6 (trace-cmd convert --file-version 6)', async () => {
      const v6 = await read(file(fixtureDat('aligned.v6')));
      assert.equal(v6.summary.dat.version, 6);
      assert.deepEqual(v6.calls.map(comparable), original);
    });

    it('version 7 uncompressed (trace-cmd convert --compression none)', async () => {
      const none = await read(file(fixtureDat('aligned.uncompressed')));
      assert.deepEqual([none.summary.dat.version, none.summary.dat.compression], [7, 'none']);
      assert.deepEqual(none.calls.map(comparable), original);
    });

    it('version 7 with zlib sections and chunks', async () => {
      const zlib = await read(file(reencodeWithZlib(fixtureDat('aligned.uncompressed'), 3)));
      assert.equal(zlib.summary.dat.compression, 'zlib');
      assert.deepEqual(zlib.calls.map(comparable), original);
    });
  });

  it('pages spread over three CPUs merge back into the same events by timestamp', async () => {
    const one = await read(file(fixtureDat('aligned.uncompressed')));
    const three = await read(file(rewriteDat(fixtureDat('aligned.uncompressed'), { compression: 'none', spreadOver: 3 })));
    assert.equal(three.summary.dat.cpus, 3);
    assert.equal(three.summary.dat.records, one.summary.dat.records);
    const noCpu = (c: RawCall) => ({ ...(comparable(c) as object), cpu: undefined });
    assert.deepEqual(three.calls.map(noCpu), one.calls.map(noCpu));
    // Record numbers follow time: the calls' records come in the same order as from one CPU.
    assert.deepEqual(
      three.calls.map((c) => c.lines),
      one.calls.map((c) => c.lines),
    );
    assert.ok(new Set(three.calls.map((c) => c.cpu)).size > 1, 'calls start on different CPUs');
  });

  it('probe events are known by the function their IP falls in (kallsyms), whatever they are named', async () => {
    const original = await read(file(fixtureDat('aligned.uncompressed')));
    const renamed = Buffer.from(fixtureDat('aligned.uncompressed'));
    // Same-length names that none of Pinscope's recipe names match: only the raw probe IPs can tell.
    for (const [from, to] of [
      ['name: xui_entry', 'name: qqq_first'],
      ['name: xui_iov', 'name: qqq_vvv'],
      ['name: xui_exit', 'name: qqq_last'],
      ['name: pupf_entry', 'name: pppp_start'],
      ['name: pupf_exit', 'name: pppp_done'],
      ['name: unpin_page', 'name: qqqqq_page'],
    ]) {
      const at = renamed.indexOf(from!);
      assert.ok(at > 0, from);
      renamed.write(to!, at, 'latin1');
    }
    const calls = (await read(file(renamed))).calls;
    assert.equal(calls.length, 5);
    assert.deepEqual(calls.map(comparable), original.calls.map(comparable));
    assert.ok(calls.every((c) => c.entry && c.exit && c.pins.length > 0 && c.unpins.length > 0 && c.iov));
  });

  it('instances (one BUFFER option each) are read and merged by timestamp with the top buffer', async () => {
    const one = await read(file(fixtureDat('aligned.uncompressed')));
    const split = await read(file(rewriteDat(fixtureDat('aligned.uncompressed'), { compression: 'zlib', spreadOver: 2, asInstances: true })));
    assert.deepEqual([split.summary.dat.instances, split.summary.dat.cpus], [2, 2]);
    assert.deepEqual(split.calls.map(comparable), one.calls.map(comparable));
  });

  it('the OFFSET and TSC2NSEC options move the timestamps as trace-cmd report does', async () => {
    const original = await read(file(fixtureDat('aligned.uncompressed')));
    const tsc = Buffer.alloc(16);
    tsc.writeUInt32LE(3, 0); // mult
    tsc.writeUInt32LE(1, 4); // shift: ns = raw * 3 / 2
    tsc.writeBigUInt64LE(5_000_000_000n, 8); // offset: trace-cmd 3.1.6 leaves it out
    const offset = await read(file(rewriteDat(fixtureDat('aligned.uncompressed'), { compression: 'none', extraOptions: [{ id: 7, data: Buffer.from('1000000000\0') }] })));
    const scaled = await read(file(rewriteDat(fixtureDat('aligned.uncompressed'), { compression: 'none', extraOptions: [{ id: 14, data: tsc }] })));
    // `trace-cmd report` (3.1.6) on these two files prints the first call's entry at 220.449780 and 329.174669.
    assert.equal(Math.round(offset.calls[0]!.entryTs! * 1e6), 220_449_780);
    assert.equal(Math.round(scaled.calls[0]!.entryTs! * 1e6), 329_174_669);
    original.calls.forEach((c, i) => {
      const raw = Math.round(c.entryTs! * 1e9);
      assert.equal(Math.round(offset.calls[i]!.entryTs! * 1e9), raw + 1e9, `call ${i}: +1 s`);
      assert.equal(Math.round(scaled.calls[i]!.entryTs! * 1e9), Math.floor((raw * 3) / 2), `call ${i}: × 3/2`);
    });
  });

  describe('lost events', () => {
    /** The uncompressed trace with page `page` of CPU 0 flagged as following lost events. */
    function withLost(page: number, stored: number | null): Buffer {
      const dat = Buffer.from(fixtureDat('aligned.uncompressed'));
      const l = layout(dat);
      const at = l.buffer.cpus[0]!.offset + page * l.pageSize;
      const commit = dat.readUInt32LE(at + 8);
      const size = commit & ((1 << 27) - 1);
      assert.ok(size > 0 && size + 16 + 8 <= l.pageSize, 'room for the stored count');
      dat.writeUInt32LE((commit | 2 ** 31 | (stored === null ? 0 : 2 ** 30)) >>> 0, at + 8);
      if (stored !== null) dat.writeBigUInt64LE(BigInt(stored), at + 16 + size);
      return dat;
    }

    it('a page flagged with a stored count: the count, its CPU, and the calls it fell in', async () => {
      const { calls, summary } = await read(file(withLost(6, 17)));
      assert.deepEqual(summary.dat.lostByCpu, [{ cpu: 0, instance: '', count: 17 }]);
      assert.equal(summary.lost.length, 1);
      const lost = summary.lost[0]!;
      assert.deepEqual([lost.cpu, lost.count], [0, 17]);
      const inside = calls.filter((c) => c.lostInside);
      assert.equal(inside.length, 1, 'the loss falls inside exactly one call');
      // That call's events run both before and after the loss (records are numbered in time order).
      assert.ok(inside[0]!.line < lost.line && inside[0]!.lines.some((l) => l > lost.line), `call lines ${inside[0]!.line}… around record ${lost.line}`);
      assert.equal(calls.length, 5);
    });

    it('a page flagged without a stored count: lost, count unknown', async () => {
      const { summary } = await read(file(withLost(6, null)));
      assert.deepEqual(summary.dat.lostByCpu, [{ cpu: 0, instance: '', count: -1 }]);
    });
  });

  it('reports progress up to the file size and stops with "cancelled" when asked', async () => {
    const path = file(fixtureDat('aligned.uncompressed'));
    const seen: number[] = [];
    await read(path, { onProgress: (done, total) => seen.push(done, total) });
    const size = readFileSync(path).length;
    assert.deepEqual(seen.slice(-2), [size, size]);
    assert.ok(seen.length > 4, 'progress comes page by page');
    const stop = new AbortController();
    await assert.rejects(read(path, { signal: stop.signal, onProgress: () => stop.abort() }), /cancelled/);
  });

  describe('files it does not read', () => {
    const bigEndian = () => {
      const dat = Buffer.from(fixtureDat('aligned.uncompressed'));
      dat[12] = 1; // after "\x17\x08Dtracing7\0": the endianness byte
      return dat;
    };

    it('without trace-cmd: names what the file uses, and that trace-cmd would be the way', async () => {
      const path = process.env.PATH;
      process.env.PATH = scratch; // no trace-cmd here
      try {
        await assert.rejects(read(file(bigEndian())), (e: Error) => e instanceof TraceError && /big-endian/.test(e.message) && /trace-cmd/.test(e.message));
      } finally {
        process.env.PATH = path;
      }
    });

    it('with trace-cmd installed it is asked, and the message keeps the reason when it fails too', async function () {
      if (spawnFails('trace-cmd')) this.skip();
      await assert.rejects(read(file(bigEndian())), (e: Error) => e instanceof TraceError && /big-endian/.test(e.message) && /trace-cmd report/.test(e.message));
    });

    it('read through `trace-cmd report`: Cancel stops the reading at once and ends trace-cmd, however slow its report', async function () {
      this.timeout(20_000);
      // A trace-cmd that writes a real report, then keeps its pipe open for a minute (exec: one process, as trace-cmd is).
      const bin = mkdtempSync(join(tmpdir(), 'pinscope-fake-trace-cmd-'));
      const pidFile = join(bin, 'pid');
      const report = join(KERNEL_TRACES, 'tracecmd/iovec.report.txt');
      writeFileSync(join(bin, 'trace-cmd'), `#!/bin/sh\n[ "$1" = --version ] && { echo 'trace-cmd version 3.1.6'; exit 0; }\necho $$ > '${pidFile}'\ncat '${report}'\nexec sleep 60\n`, { mode: 0o755 });
      const path = process.env.PATH;
      process.env.PATH = `${bin}:${path}`;
      try {
        const stop = new AbortController();
        let calls = 0;
        const started = Date.now();
        await assert.rejects(
          readTraceFile(file(bigEndian()), { onCall: () => ++calls === 1 && stop.abort(), signal: stop.signal }),
          (e: Error) => e instanceof TraceError && e.message === 'cancelled',
        );
        assert.ok(calls >= 1);
        assert.ok(Date.now() - started < 10_000, 'not held until the report ends');
        const pid = Number(readFileSync(pidFile, 'utf8'));
        const alive = () => {
          try {
            process.kill(pid, 0);
            return true;
          } catch {
            return false;
          }
        };
        for (let i = 0; i < 50 && alive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(alive(), false, 'trace-cmd was ended');
      } finally {
        process.env.PATH = path;
      }
    });

    it('an unknown compression is named', async () => {
      const dat = Buffer.from(readFileSync(join(KERNEL_TRACES, 'tracecmd/aligned.trace.dat')));
      dat.write('lz4x', dat.indexOf('zstd'), 'latin1');
      const path = process.env.PATH;
      process.env.PATH = scratch;
      try {
        await assert.rejects(read(file(dat)), /compressed with "lz4x" 1\.5\.4, which Pinscope cannot read/);
      } finally {
        process.env.PATH = path;
      }
    });
  });

  describe('hostile files: a located message, nothing else', () => {
    /** Reads the bytes; returns the error message (or null when it read). Any error but a TraceError fails the test. */
    async function outcome(bytes: Buffer): Promise<string | null> {
      try {
        await read(file(bytes));
        return null;
      } catch (error) {
        assert.ok(error instanceof TraceError, `not a TraceError: ${(error as Error).stack}`);
        assert.match(error.message, /trace\.dat: /);
        return error.message;
      }
    }
    const located = /(byte|section|option|CPU \d|page|chunk|line \d|header)/;

    it('truncated anywhere', async () => {
      const original = readFileSync(join(KERNEL_TRACES, 'tracecmd/aligned.trace.dat'));
      const l = layout(original);
      const cuts = [11, 13, 20, 30, 40, ...Array.from({ length: 24 }, (_, i) => Math.floor(((i + 1) * original.length) / 25))];
      cuts.push(l.optionsAt + 10, l.buffer.cpus[0]!.offset + 100, ...[...l.sections.values()].map((s) => s.at + 20));
      for (const cut of cuts) {
        const message = await outcome(original.subarray(0, cut));
        assert.ok(message !== null, `cut at ${cut} read as a whole trace`);
        assert.match(message, located, `cut at ${cut}`);
      }
    });

    it('forged sizes and offsets are refused before anything is allocated from them', async () => {
      const original = readFileSync(join(KERNEL_TRACES, 'tracecmd/aligned.trace.dat'));
      const l = layout(original);
      const forge = (at: number, value: bigint, width: 4 | 8) => {
        const dat = Buffer.from(original);
        if (width === 8) dat.writeBigUInt64LE(value, at);
        else dat.writeUInt32LE(Number(value), at);
        return dat;
      };
      const cases: Array<[string, Buffer, RegExp]> = [];
      for (const [id, s] of l.sections) {
        cases.push([`section ${id} size`, forge(s.at + 8, 0xffffffffffffn, 8), /claims|plausible/]);
        if (s.flags & 1) cases.push([`section ${id} uncompressed size`, forge(s.at + 20, 0xffffffffn, 4), /not plausible/]);
        cases.push([`section ${id} pointer`, forge(l.options.find((o) => o.id === id)!.at, BigInt(original.length - 4), 8), /needs 16 bytes|past the end/]);
      }
      cases.push(['options offset', forge(l.optionsPointerAt, BigInt(original.length + 100), 8), /past the end/]);
      const cpu = l.buffer.cpus[0]!;
      const buffer = l.options.find((o) => o.id === 3)!;
      const cpuAt = buffer.at + buffer.data.length - 20;
      cases.push(['CPU data size', forge(cpuAt + 12, 0xffffffffffn, 8), /past the end/]);
      cases.push(['CPU data offset', forge(cpuAt + 4, BigInt(original.length), 8), /past the end/]);
      cases.push(['chunk count', forge(cpu.offset, 0xffffffffn, 4), /chunks claimed/]);
      cases.push(['chunk compressed size', forge(cpu.offset + 4, 0xfffffff0n, 4), /runs past/]);
      cases.push(['chunk uncompressed size', forge(cpu.offset + 8, 0xffffffffn, 4), /not plausible/]);
      for (const [what, dat, expected] of cases) {
        const message = await outcome(dat);
        assert.ok(message, `${what}: read as a whole trace`);
        assert.match(message, expected, what);
        assert.match(message, located, what);
      }
    });

    it('garbage compressed data', async () => {
      const original = readFileSync(join(KERNEL_TRACES, 'tracecmd/aligned.trace.dat'));
      const l = layout(original);
      const garbage = (from: number, length: number) => {
        const dat = Buffer.from(original);
        for (let i = 0; i < length; i++) dat[from + i] = (i * 151 + 7) & 0xff;
        return dat;
      };
      const kallsyms = l.sections.get(19)!;
      for (const dat of [garbage(kallsyms.at + 24, 64), garbage(kallsyms.at + 24 + 5000, 2000), garbage(l.buffer.cpus[0]!.offset + 12, 400)]) {
        const message = await outcome(dat);
        assert.ok(message, 'read as a whole trace');
        assert.match(message, /corrupt|kallsyms|chunk/);
      }
    });

    it('a format file that does not parse is named with its event and line', async () => {
      const dat = Buffer.from(fixtureDat('aligned.uncompressed'));
      const at = dat.indexOf('name: xui_entry');
      const field = dat.indexOf('field:u64 orig;', at);
      dat.write('field:u64 orig;\toffzet', field, 'latin1');
      const message = await outcome(dat);
      assert.match(message ?? '', /pinscope\/xui_entry\), line \d+: a field line that does not parse/);
      const id = Buffer.from(fixtureDat('aligned.uncompressed'));
      id.write('ID: x', id.indexOf('ID:', id.indexOf('name: xui_exit')), 'latin1');
      assert.match((await outcome(id)) ?? '', /xui_exit\), line 2: bad ID/);
    });

    it('random bytes changed anywhere (fast-check, a fixed seed)', async () => {
      const original = fixtureDat('aligned.uncompressed');
      const l = layout(original);
      // Half the changes in the metadata and options, half in the ring-buffer pages.
      const regions: Array<[number, number]> = [
        [10, 54], // the header after the magic (a changed magic makes it some other binary file)
        [l.optionsAt, original.length - l.optionsAt],
        ...[...l.sections.values()].map((s): [number, number] => [s.at, Math.min(s.body.length + 16, 4096)]),
        [l.buffer.cpus[0]!.offset, l.buffer.cpus[0]!.size],
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat(regions.length - 1), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          async (changes) => {
            const dat = Buffer.from(original);
            for (const [region, where, value] of changes) {
              const [from, length] = regions[region]!;
              dat[from + Math.floor(where * length)] = value;
            }
            const message = await outcome(dat);
            if (message !== null) assert.match(message, located);
          },
        ),
        { numRuns: 60, seed: 13 },
      );
    });
  });
});

function spawnFails(command: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return !!require('node:child_process').spawnSync(command, ['--version'], { stdio: 'ignore' }).error;
}
