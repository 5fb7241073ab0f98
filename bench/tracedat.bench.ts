// trace.dat ingestion: Pinscope's own reader (parse + reconstruct, in this
// process) against `trace-cmd report > /dev/null` (a process per run, as
// Pinscope used to run it) on the same file in the same run, interleaved,
// medians of several runs. Two files: the largest real .dat of the fixtures
// (few events: its time is mostly metadata), and a bigger one made of that
// recording's real pages repeated. Then where the time goes: decompressing
// the sections, parsing kallsyms, the rest of the metadata, the events.
// Debian's trace-cmd is installed when missing (as root).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../extension/node/trace-file';
import { decompressorFor } from '../extension/trace/tracedat/compression';
import { openTraceDat } from '../extension/trace/tracedat/file';
import { Symbols } from '../extension/trace/tracedat/kallsyms';
import { bytesSource, type TraceDatSummary } from '../extension/trace/tracedat';
import { KERNEL_TRACES } from '../test/support/kernel-traces';
import { fixtureDat, layout, rewriteDat } from '../test/support/tracedat';

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
}

void main();
