// Trace ingestion benchmarks on a generated 1 GiB ftrace log with about 2%
// relevant lines and a 256 MiB log where every line is a relevant kprobe
// event, each through the paths a user's load takes:
//   - parse + reconstruct (readTraceFile, calls counted, none replayed), in
//     this thread, and in pieces: the reader the server's load runs in each
//     of its worker threads (trace/trace-piece.ts), calls counted, none
//     replayed, so the parsing alone on every core;
//   - the server's index build: the worker thread the language server starts
//     (dist/trace-worker.js: read, reconstruct, replay, columns), whole and in
//     pieces (one worker thread a core, at most 4, merged: node/trace-pieces.ts);
//   - the CLI: `pinscope replay FILE` (table, streamed) and `pinscope stats FILE`,
//     as processes, output thrown away;
// each against `grep -c -F netfs_extract_user_iter` on the same file, run just
// before and just after it (the machine is shared). Prints wall and CPU times,
// ratios, events/s and peak memory. The logs are generated once
// into the OS temp folder (PINSCOPE_BENCH_DIR, see generate.ts).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { bufferText, readTraceFile } from '../extension/node/trace-file';
import { feedPiece, lineStarts } from '../extension/node/trace-pieces';
import { keptPieces } from '../extension/trace/index-merge';
import { TracePiece, type PieceEnd } from '../extension/trace/trace-piece';
import { StreamingReplay } from '../extension/trace/trace-replay';
import { workerLoader } from '../extension/server/index-loaders';
import { DIR, generateLog, GiB } from './generate';

/** Every generated call is 6 event lines (see generate.ts). */
const EVENTS_PER_CALL = 6;
const CLI = join(process.cwd(), 'dist', 'cli.js');
const WORKER = join(process.cwd(), 'dist', 'trace-worker.js');

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Wall-clock and CPU seconds (user + system, every thread) of one run. */
interface Took {
  readonly wall: number;
  readonly cpu: number;
}

/**
 * A command as its own process, timed by bash's `time`; its exit status.
 * Its output goes through a pipe, not straight to /dev/null: GNU grep stops at
 * the first match when it sees its output is /dev/null.
 */
function timedCommand(command: string[]): Took & { status: number | null } {
  const script = 'set -o pipefail; TIMEFORMAT="%R %U %S"; time { "$@" 2> /dev/null | cat > /dev/null; }';
  const run = spawnSync('bash', ['-c', script, 'bash', ...command], { encoding: 'utf8' });
  const [wall, user, system] = run.stderr.trim().split(/\s+/).slice(-3).map(Number);
  return { wall: wall!, cpu: user! + system!, status: run.status };
}

function grep(path: string): Took {
  return timedCommand(['grep', '-c', '-F', 'netfs_extract_user_iter', path]);
}

function grepCount(path: string): number {
  return Number(spawnSync('grep', ['-c', '-F', 'netfs_extract_user_iter', path], { encoding: 'utf8' }).stdout.trim());
}

/** Runs `what` between two grep runs: the baseline is their mean, measured right beside it (the machine is shared). */
async function besideGrep(path: string, what: () => Promise<Took> | Took): Promise<{ took: Took; grep: Took }> {
  const before = grep(path);
  const took = await what();
  const after = grep(path);
  return { took, grep: { wall: (before.wall + after.wall) / 2, cpu: (before.cpu + after.cpu) / 2 } };
}

/** One pinscope run beside its grep baseline. */
function report(what: string, run: { took: Took; grep: Took }, calls: number, size: number, extra = ''): void {
  const { took, grep: base } = run;
  const rate = (t: number) => Math.round((calls * EVENTS_PER_CALL) / t).toLocaleString('en').padStart(9);
  console.log(
    `  ${what.padEnd(40)} wall ${took.wall.toFixed(2).padStart(5)} s, ${rate(took.wall)} events/s, ${(took.wall / base.wall).toFixed(1).padStart(4)}× grep (${base.wall.toFixed(2)} s)` +
      ` | cpu ${took.cpu.toFixed(2).padStart(5)} s, ${rate(took.cpu)} events/s, ${(took.cpu / base.cpu).toFixed(1).padStart(4)}× grep (${base.cpu.toFixed(2)} s)${extra}`,
  );
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** `work` in this process: wall and CPU seconds (every thread of the process, a worker's too). */
async function timed<T>(work: () => Promise<T>): Promise<Took & { value: T }> {
  const cpu = cpuSeconds();
  const start = process.hrtime.bigint();
  const value = await work();
  return { wall: seconds(start), cpu: cpuSeconds() - cpu, value };
}

/** The collector's pauses while `work` runs in this thread: total milliseconds, and how many were full collections. */
async function collected<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; full: number }> {
  let ms = 0;
  let full = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      ms += entry.duration;
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const value = await work();
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last entries are delivered after a turn
  observer.disconnect();
  return { value, ms, full };
}

const gcText = (gc: { ms: number; full: number }) => `GC ${gc.ms.toFixed(0)} ms (${gc.full} full)`;

async function measure(label: string, path: string): Promise<void> {
  const size = statSync(path).size;
  const count = grepCount(path); // also warms the page cache for both
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  let calls = 0;
  let lines = 0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  // The collector's time is counted around the timed run: its wait for the last entries is not timed.
  const { value: parse, ...parseGc } = await collected(() =>
    besideGrep(path, () =>
      timed(async () => {
        lines = (await readTraceFile(path, { onCall: () => calls++ })).lines;
      }),
    ),
  );
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`\n${label}: ${(size / 2 ** 20).toFixed(0)} MiB, ${lines.toLocaleString('en')} lines, ${calls.toLocaleString('en')} calls (grep counted ${count.toLocaleString('en')} lines)`);
  report('parse + reconstruct (in process)', parse, calls, size, `; peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB (${(rssBefore / 2 ** 20).toFixed(0)} before); ${gcText(parseGc)}`);
  // Every call replayed as the CLI and the server's worker do: what the replay adds, in time and in the collector.
  let matched = 0;
  const { value: replay, ...replayGc } = await collected(() =>
    besideGrep(path, () =>
      timed(async () => {
        const streaming = new StreamingReplay({ variant: 'auto', kernel: null });
        await readTraceFile(path, {
          onCall: (call, trace) => {
            if (streaming.replay(call, trace).verdict === 'match') matched++;
          },
        });
      }),
    ),
  );
  report('parse + reconstruct + replay (in process)', replay, calls, size, `; ${matched.toLocaleString('en')} match; ${gcText(replayGc)} (parse alone: ${gcText(parseGc)})`);
  const parsers = Math.min(availableParallelism(), 4);
  let parsed = 0;
  const parseInPieces = await besideGrep(path, () => timed(async () => (parsed = await parseInThreads(path, parsers))));
  if (parsed !== calls) throw new Error(`the pieces' readings hold ${parsed} calls, the whole reading ${calls}`);
  report(`parse + reconstruct, ${parsers} pieces (${parsers} threads)`, parseInPieces, calls, size, `; ${(parse.took.wall / parseInPieces.took.wall).toFixed(2)}× the whole reading's speed`);
  let indexed = 0;
  const index = await besideGrep(path, () => timed(async () => (indexed = await indexBuild(path, 1))));
  if (indexed !== calls) throw new Error(`the index holds ${indexed} calls, the reader found ${calls}`);
  report('index build, whole (1 worker thread)', index, calls, size);
  // The same build in pieces, one worker thread each (as the server does for a plain text file from 32 MiB on).
  const pieces = Math.min(availableParallelism(), 4);
  const inPieces = await besideGrep(path, () => timed(async () => (indexed = await indexBuild(path, pieces))));
  if (indexed !== calls) throw new Error(`the index read in pieces holds ${indexed} calls, the reader found ${calls}`);
  report(`index build, ${pieces} pieces (${pieces} threads)`, inPieces, calls, size, `; ${(index.took.wall / inPieces.took.wall).toFixed(2)}× the whole build's speed`);
  // The generated logs record no kernel release: the table's variant is decided by a first reading.
  report('pinscope replay FILE (table)', await besideGrep(path, () => cli(['replay', path])), calls, size);
  report('pinscope stats FILE', await besideGrep(path, () => cli(['stats', path])), calls, size);
}

/**
 * The server's index build, in its worker thread (as the language server runs
 * it), the file read in `pieces` (each in a worker of its own; 1: whole): the
 * calls indexed.
 */
async function indexBuild(path: string, pieces: number): Promise<number> {
  // The worker reads these from its environment, a copy of this one's when it starts.
  process.env.PINSCOPE_TRACE_PIECES = String(pieces);
  const loading = workerLoader(WORKER)(
    { path, kernel: null, variant: 'auto', format: 'auto', copyTo: join(tmpdir(), `pinscope-bench-copy-${process.pid}`) },
    new AbortController().signal,
    () => undefined,
  );
  delete process.env.PINSCOPE_TRACE_PIECES;
  const loaded = await loading;
  if (pieces > 1 && loaded.pieces?.read !== pieces) throw new Error(`asked for ${pieces} pieces, read in ${loaded.pieces?.read ?? 1}`);
  return loaded.columns.count;
}

/** What a piece's worker is asked to read. */
interface PieceJob {
  readonly path: string;
  readonly start: number;
  readonly boundaries: readonly number[];
}

/** Reads one piece as the server's pieces do (node/trace-pieces.ts readPiece), but replays nothing: its end, for the count. */
async function parsePiece(job: PieceJob): Promise<PieceEnd> {
  const first = job.start === 0;
  const piece = new TracePiece({
    ...bufferText,
    // The generated logs are kprobe text with no facts line at their top.
    format: first ? 'auto' : 'kprobe',
    facts: first ? null : { kernelRelease: null, arch: null },
    start: job.start,
    boundaries: job.boundaries,
    onCall: () => undefined,
    onLate: () => undefined,
  });
  await feedPiece(piece, job.path, job.start);
  return piece.end();
}

/** The file parsed in `pieces` worker threads (this bundle run again as each worker): the calls of one reading (index-merge.ts's count). */
async function parseInThreads(path: string, pieces: number): Promise<number> {
  const size = statSync(path).size;
  const shares = Array.from({ length: pieces - 1 }, (_, k) => Math.floor((size * (k + 1)) / pieces));
  const starts = [0, ...(await lineStarts(path, shares, 0, size))];
  const ends = await Promise.all(
    starts.map(
      (start, k) =>
        new Promise<PieceEnd>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: { path, start, boundaries: starts.slice(k + 1) } satisfies PieceJob });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`a piece's worker stopped (exit code ${code}) before it answered`)));
        }),
    ),
  );
  // Each kept piece's calls, less those the kept piece before it read as its own.
  const kept = keptPieces(ends);
  return kept.reduce((count, k, c) => count + ends[k]!.rows - (c > 0 ? ends[kept[c - 1]!]!.drop.length : 0), 0);
}

/** A CLI command as its own process, output thrown away. */
function cli(args: string[]): Took {
  const run = timedCommand([process.execPath, CLI, ...args]);
  if (run.status !== 0 && run.status !== 1) throw new Error(`pinscope ${args.join(' ')}: exit ${run.status}`);
  return run;
}

async function main(): Promise<void> {
  const sparse = join(DIR, 'sparse-1g.trace');
  const dense = join(DIR, 'dense-256m.trace');
  generateLog(sparse, Number(process.env.PINSCOPE_BENCH_SPARSE_BYTES ?? GiB), 0.02);
  generateLog(dense, Number(process.env.PINSCOPE_BENCH_DENSE_BYTES ?? GiB / 4), 1);
  console.log(`events/s counts ${EVENTS_PER_CALL} event lines a call. Wall and CPU (user + system) seconds; each grep baseline is the mean of a run just before and one just after (the machine is shared).`);
  await measure('sparse ftrace log (~2% relevant)', sparse);
  await measure('dense kprobe log (every line relevant)', dense);
  console.log('\ngoals: ≤ 2× grep on the sparse log, ≥ 1M events/s on the dense one, peak memory ≤ 150 MiB on both');
}

if (isMainThread) void main();
else void parsePiece(workerData as PieceJob).then((end) => parentPort!.postMessage(end));
