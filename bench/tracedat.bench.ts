// trace.dat ingestion: Pinscope's own reader (parse + reconstruct, in this
// process) against `trace-cmd report > /dev/null` (a process per run, as
// Pinscope used to run it) on the same file in the same run, interleaved,
// medians of several runs. Two files: the largest real .dat of the fixtures
// (few events: its time is mostly metadata), and a bigger one made of that
// recording's real pages repeated. Then where the time goes: decompressing
// the sections, parsing kallsyms, the rest of the metadata, the events.
// Debian's trace-cmd is installed when missing (as root).
// Last, opening one call (its detail: read again and replayed) of a big
// generated trace.dat and of a big gzip text log, first, middle and last
// call, against the whole load in the same run; for the trace.dat also the
// way it was done before checkpoints (reading from the file's start up to the
// call).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createReadStream, createWriteStream, existsSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DatCallReader, readTraceFile } from '../extension/node/trace-file';
import { loadTraceIndex, rereadCall, type Reread } from '../extension/node/trace-index-load';
import { TraceError, type RawCall } from '../extension/trace';
import { TraceIndex } from '../extension/trace/trace-index';
import { generateLog } from './generate';
import { decompressorFor } from '../extension/trace/tracedat/compression';
import { openTraceDat } from '../extension/trace/tracedat/file';
import { Symbols } from '../extension/trace/tracedat/kallsyms';
import { bytesSource, type TraceDatSummary } from '../extension/trace/tracedat';
import { KERNEL_TRACES } from '../test/support/kernel-traces';
import { fixtureDat, layout, rewriteDat, synthesizeDat } from '../test/support/tracedat';

const RUNS = Number(process.env.PINSCOPE_BENCH_RUNS ?? 15);
const DIR = process.env.PINSCOPE_BENCH_DIR ?? join(tmpdir(), 'pinscope-bench');

function traceCmdAvailable(): boolean {
  return !spawnSync('trace-cmd', ['--version'], { stdio: 'ignore' }).error;
}

function ensureTraceCmd(): boolean {
  if (traceCmdAvailable()) return true;
  if (process.getuid?.() !== 0) return false;
  console.log("installing Debian's trace-cmd for the comparison…");
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  spawnSync('apt-get', ['install', '-y', '-qq', 'trace-cmd'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return traceCmdAvailable();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function ours(path: string): Promise<{ seconds: number; summary: TraceDatSummary }> {
  const start = process.hrtime.bigint();
  const summary = (await readTraceFile(path, { onCall: () => undefined })) as unknown as TraceDatSummary;
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, summary };
}

function traceCmd(path: string): number {
  const start = process.hrtime.bigint();
  const run = spawnSync('sh', ['-c', 'trace-cmd report -i "$1" > /dev/null 2>&1', 'sh', path]);
  if (run.status !== 0) throw new Error(`trace-cmd report failed on ${path}`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/** Milliseconds of the metadata steps on this file (medians): decompressing the sections, parsing kallsyms. */
async function breakdown(path: string): Promise<{ decompress: number; kallsyms: number }> {
  const bytes = readFileSync(path);
  const l = layout(bytes);
  const header = bytes.subarray(0, 64);
  const name = header.toString('latin1', 18, header.indexOf(0, 18));
  const decompress = decompressorFor(name, '', 'bench');
  const d: number[] = [];
  const k: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    let kallsyms: Uint8Array | null = null;
    for (const [id, s] of l.sections) {
      const body = s.flags & 1 && decompress ? decompress(s.body.subarray(8, 8 + s.body.readUInt32LE(0)), s.body.readUInt32LE(4), 'bench') : s.body;
      if (id === 19) kallsyms = body.subarray(4);
    }
    d.push(performance.now() - t);
    t = performance.now();
    Symbols.parse(kallsyms!.slice());
    k.push(performance.now() - t);
  }
  return { decompress: median(d), kallsyms: median(k) };
}

async function measure(label: string, path: string, withTraceCmd: boolean): Promise<void> {
  await ours(path); // warm the page cache and the JIT
  if (withTraceCmd) traceCmd(path);
  const mine: number[] = [];
  const theirs: number[] = [];
  let summary: TraceDatSummary | null = null;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const bytes = readFileSync(path);
  const metadata: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const r = await ours(path);
    mine.push(r.seconds);
    summary = r.summary;
    // The metadata alone (the same file from memory), in the same run as the whole read.
    const start = performance.now();
    await openTraceDat(bytesSource(bytes), utf8);
    metadata.push(performance.now() - start);
    if (withTraceCmd) theirs.push(traceCmd(path));
  }
  clearInterval(timer);
  const records = summary!.dat.records;
  const t = median(mine);
  const parts = await breakdown(path);
  console.log(`\n${label}: ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB, trace.dat v${summary!.dat.version} ${summary!.dat.compression}, ${records.toLocaleString('en')} events, ${summary!.calls} calls`);
  console.log(`  pinscope (read + reconstruct): ${(t * 1e3).toFixed(1)} ms, ${Math.round(records / t).toLocaleString('en')} events/s (median of ${RUNS})`);
  if (withTraceCmd) {
    const c = median(theirs);
    console.log(`  trace-cmd report > /dev/null: ${(c * 1e3).toFixed(1)} ms, ${Math.round(records / c).toLocaleString('en')} events/s; pinscope takes ${(t / c).toFixed(2)}× its time`);
  }
  const meta = median(metadata);
  const events = Math.max(t * 1e3 - meta, 0.1);
  console.log(
    `  where the time goes: metadata ${meta.toFixed(1)} ms (of which, measured apart: decompressing sections ${parts.decompress.toFixed(1)} ms, parsing kallsyms ${parts.kallsyms.toFixed(1)} ms); ` +
      `pages, events and reconstruction the other ${events.toFixed(1)} ms = ${Math.round(records / (events / 1e3)).toLocaleString('en')} events/s`,
  );
  console.log(`  peak RSS while reading ${(peak / 2 ** 20).toFixed(0)} MiB (${(rssBefore / 2 ** 20).toFixed(0)} MiB before)`);
}

async function main(): Promise<void> {
  const dir = join(KERNEL_TRACES, 'tracecmd');
  const largest = readdirSync(dir)
    .filter((f) => f.endsWith('.trace.dat'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  mkdirSync(DIR, { recursive: true });
  const repeated = join(DIR, 'aligned-pages-x200.trace.dat');
  writeFileSync(repeated, rewriteDat(fixtureDat('aligned.uncompressed'), { compression: 'none', repeat: 200 }));
  const withTraceCmd = ensureTraceCmd();
  if (!withTraceCmd) console.log('trace-cmd is not installed (and this is not root): pinscope alone');
  console.log('(both run on a shared machine: compare the figures of one run, not across runs)');
  await measure(`largest real .dat (${largest.split('/').pop()})`, largest, withTraceCmd);
  await measure('its real pages repeated 200× (uncompressed v7)', repeated, withTraceCmd);
  console.log('\ngoal: pinscope faster than trace-cmd report alone on both');
  await detailReads();
}

const DETAIL_RUNS = Number(process.env.PINSCOPE_BENCH_DETAIL_RUNS ?? 5);

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: performance.now() - start, value };
}

/** Before checkpoints: the file read from its start until the call whose first record is `line` came out. */
async function fromTheStart(path: string, line: number): Promise<RawCall | null> {
  let found: RawCall | null = null;
  const stop = new AbortController();
  try {
    await readTraceFile(path, {
      signal: stop.signal,
      onCall: (raw) => {
        if (raw.line !== line || found) return;
        found = raw;
        stop.abort();
      },
    });
  } catch (error) {
    if (!(found && error instanceof TraceError && error.message === 'cancelled')) throw error;
  }
  return found;
}

async function detailReads(): Promise<void> {
  mkdirSync(DIR, { recursive: true });
  const copies = Number(process.env.PINSCOPE_BENCH_DAT_COPIES ?? 300);
  const dat = join(DIR, `synthetic-${copies}x-4cpu.trace.dat`);
  if (!existsSync(dat)) {
    process.stdout.write(`generating ${dat} (${copies} copies of a real recording's records on 4 CPUs)… `);
    writeFileSync(dat, await synthesizeDat(fixtureDat('aligned.uncompressed'), { copies, cpus: 4, compression: 'none', lostEvery: 200 }));
    process.stdout.write('done\n');
  }
  const log = join(DIR, 'dense-64m.trace');
  generateLog(log, 64 * 2 ** 20, 1);
  const gz = `${log}.gz`;
  if (!existsSync(gz)) await pipeline(createReadStream(log), createGzip(), createWriteStream(gz));
  console.log('\nopening one call (read again + replayed), against loading the whole trace, same run; medians');
  for (const [label, path] of [
    ['generated trace.dat (uncompressed v7, 4 CPUs)', dat],
    ['generated dense kprobe log, gzip', gz],
  ] as const) {
    const copy = join(DIR, 'detail-copy.trace');
    const loads: number[] = [];
    let loaded: Awaited<ReturnType<typeof loadTraceIndex>> | null = null;
    for (let run = 0; run < 3; run++) {
      const t = await timed(() => loadTraceIndex({ path, kernel: null, variant: 'auto', format: 'auto', copyTo: copy }));
      loads.push(t.ms);
      loaded = t.value;
    }
    const { columns, summary, decision, kernel } = loaded!;
    // What the decompressed copy costs the load: the same load without it (as the CLI reads).
    let withoutCopy = '';
    if (summary.copied) {
      const bare: number[] = [];
      for (let run = 0; run < 3; run++) bare.push((await timed(() => loadTraceIndex({ path, kernel: null, variant: 'auto', format: 'auto' }))).ms);
      withoutCopy = ` (${median(bare).toFixed(0)} ms without the copy)`;
    }
    const index = new TraceIndex(columns);
    const load = median(loads);
    const seekBytes = summary.seek ? summary.seek.at.byteLength + summary.seek.within.byteLength + summary.seek.chunksLeft.byteLength + summary.seek.next.byteLength + summary.seek.pending.byteLength : 0;
    console.log(
      `\n${label}: ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB, ${summary.lines.toLocaleString('en')} ${summary.byRecord ? 'records' : 'lines'}, ${index.count.toLocaleString('en')} calls; ` +
        `whole load (index) ${load.toFixed(0)} ms${summary.copied ? `, writing a ${(statSync(copy).size / 2 ** 20).toFixed(0)} MiB decompressed copy to read calls again from${withoutCopy}` : ''}` +
        (summary.seek ? `; checkpoints ${summary.seek.count} × ${summary.seek.streams} CPUs = ${(seekBytes / 1024).toFixed(1)} KiB` : ''),
    );
    const reread = (): Reread => ({
      path: summary.copied ? copy : path,
      byRecord: summary.byRecord,
      dat: summary.byRecord && summary.seek ? new DatCallReader(path, summary.seek, summary.bytes) : null,
      format: summary.format,
      kernel,
      variant: decision.variant,
    });
    const warm = reread();
    for (const [which, i] of [
      ['first', 0],
      ['middle', Math.floor(index.count / 2)],
      ['last', index.count - 1],
    ] as const) {
      // Cold: a fresh reader (a trace.dat's metadata read first).
      const cold = (await timed(() => rereadCall(reread(), index, i))).ms;
      const warmRuns: number[] = [];
      for (let run = 0; run < DETAIL_RUNS; run++) warmRuns.push((await timed(() => rereadCall(warm, index, i))).ms);
      const w = median(warmRuns);
      let before = '';
      if (summary.byRecord) {
        const old: number[] = [];
        for (let run = 0; run < Math.min(DETAIL_RUNS, 3); run++) {
          const t = await timed(() => fromTheStart(path, index.span(i).callLine));
          if (!t.value) throw new Error(`call ${i} not found from the start`);
          old.push(t.ms);
        }
        const o = median(old);
        before = `; before (read from the start): ${o.toFixed(1)} ms = ${(o / load).toFixed(3)}× the load, ${(o / w).toFixed(0)}× now`;
      }
      console.log(`  call ${which} (#${i + 1}, ${summary.byRecord ? 'record' : 'line'} ${index.span(i).callLine.toLocaleString('en')}): ${w.toFixed(1)} ms = ${(w / load).toFixed(4)}× the load (${summary.byRecord ? 'with its metadata read first, as the server does once per trace right after the load' : 'a fresh reader'}: ${cold.toFixed(1)} ms)${before}`);
    }
    rmSync(copy, { force: true });
  }
}

void main();
