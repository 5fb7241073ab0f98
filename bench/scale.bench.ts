// Big traces, end to end (issue 11): the CLI's table mode and the server's
// store of loaded traces on the 266,720-call dense log, a 200,000-call trace
// from 66,667 tasks, and a 1 GiB dense log (about a million calls).
// Baselines, same run and files: the CLI built from PINSCOPE_BENCH_BASELINE_REF
// (default: the commit before this work), and the legacy store that answers
// every call's summary (TraceLoadRequest). Each measurement runs in its own
// process (peak RSS from /proc/PID/status VmHWM; heap after a full GC).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DIR, generateLog, generateTasks, GiB } from './generate';

const REPO = resolve(__dirname, '..', '..');
const BASELINE_REF = process.env.PINSCOPE_BENCH_BASELINE_REF ?? 'e7e6804';
const MiB = 2 ** 20;
const CLI_GOAL_MIB = 200;
const HEAP_GOAL_MIB = 150;

interface StoreFigures {
  readonly seconds: number;
  readonly heapMiB: number;
  readonly arrayBuffersMiB: number;
  readonly answerBytes: number;
  readonly firstPageMs: number;
  readonly detailMs: number;
  readonly calls: number;
}

/** Runs a command, sampling its peak RSS; resolves with seconds and peak MiB. */
function measureProcess(command: string, args: string[]): Promise<{ seconds: number; peakMiB: number; code: number | null }> {
  return new Promise((done) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    let peak = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        // exited
      }
    };
    const timer = setInterval(sample, 25);
    child.on('exit', (code) => {
      clearInterval(timer);
      done({ seconds: Number(process.hrtime.bigint() - start) / 1e9, peakMiB: peak, code });
    });
  });
}

/** The CLI of the baseline commit, bundled like ours (its sources from git, our node_modules). */
async function baselineCli(): Promise<string | null> {
  const dir = join(DIR, `baseline-${BASELINE_REF}`);
  const out = join(dir, 'cli.js');
  if (existsSync(out)) return out;
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['-C', REPO, 'archive', BASELINE_REF, 'extension', 'tsconfig.base.json'], { maxBuffer: 256 * MiB });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    const { build } = await import('esbuild');
    const shims = { define: { 'import.meta.url': '__u' }, banner: { js: "const __u = require('url').pathToFileURL(__filename).href;" } };
    await build({ ...shims, entryPoints: [join(dir, 'extension/cli/main.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', nodePaths: [join(REPO, 'node_modules')], logLevel: 'warning' });
    return out;
  } catch (error) {
    console.log(`  (no baseline CLI: ${(error as Error).message.split('\n')[0]})`);
    return null;
  }
}

/** In a child process: load FILE into a store, report figures as JSON on stdout. */
async function storeChild(kind: 'new' | 'legacy', path: string): Promise<void> {
  const { TraceStore } = await import('../extension/server/trace-store');
  const { workerLoader } = await import('../extension/server/index-loaders');
  const store = new TraceStore(workerLoader(join(REPO, 'dist', 'trace-worker.js')));
  const start = process.hrtime.bigint();
  let answerBytes: number;
  let calls: number;
  let traceId: number;
  if (kind === 'new') {
    const opened = await store.open({ path });
    if (!opened.ok) throw new Error(opened.error);
    answerBytes = JSON.stringify(opened).length;
    calls = opened.trace.totals.calls;
    traceId = opened.trace.traceId;
  } else {
    const loaded = await store.load({ path }, {});
    if (!loaded.ok) throw new Error(loaded.error);
    answerBytes = JSON.stringify(loaded).length;
    calls = loaded.calls.length;
    traceId = loaded.traceId;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  let t = process.hrtime.bigint();
  if (kind === 'new') JSON.stringify(store.index(traceId)!.calls({}, 0, 500));
  const firstPageMs = kind === 'new' ? Number(process.hrtime.bigint() - t) / 1e6 : 0;
  // A chosen call's detail: the median of 21 calls spread over the trace.
  const times: number[] = [];
  for (let k = 0; k <= 20; k++) {
    t = process.hrtime.bigint();
    store.call(traceId, Math.floor(((calls - 1) * k) / 20));
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  for (let k = 0; k < 3; k++) global.gc?.();
  const memory = process.memoryUsage();
  const figures: StoreFigures = {
    seconds,
    heapMiB: memory.heapUsed / MiB,
    arrayBuffersMiB: memory.arrayBuffers / MiB,
    answerBytes,
    firstPageMs,
    detailMs: times[10]!,
    calls,
  };
  process.stdout.write(JSON.stringify(figures));
}

function store(kind: 'new' | 'legacy', path: string): StoreFigures | string {
  const run = spawnSync(process.execPath, ['--expose-gc', __filename, 'store', kind, path], { encoding: 'utf8', maxBuffer: 16 * MiB });
  if (run.status !== 0) return `failed: ${run.stderr.trim().split('\n').slice(-2).join(' ')}`;
  return JSON.parse(run.stdout) as StoreFigures;
}

const f = (n: number, digits = 0) => n.toFixed(digits);

async function measure(label: string, path: string, baseline: string | null, legacyToo: boolean): Promise<void> {
  const size = statSync(path).size;
  console.log(`\n${label}: ${f(size / MiB)} MiB`);
  const cli = join(REPO, 'dist', 'cli.js');
  const ours = await measureProcess(process.execPath, [cli, 'replay', path]);
  const old = baseline ? await measureProcess(process.execPath, [baseline, 'replay', path]) : null;
  console.log(
    `  CLI table mode (pinscope replay FILE > /dev/null): ${f(ours.seconds, 2)} s, peak RSS ${f(ours.peakMiB)} MiB` +
      (old ? `; baseline ${BASELINE_REF}: ${f(old.seconds, 2)} s, ${f(old.peakMiB)} MiB (${f(old.peakMiB / ours.peakMiB, 1)}× ours)` : '') +
      ` — goal ≤ ${CLI_GOAL_MIB} MiB: ${ours.peakMiB <= CLI_GOAL_MIB ? 'met' : 'MISSED'}`,
  );
  const s = store('new', path);
  if (typeof s === 'string') console.log(`  server store: ${s}`);
  else {
    const held = s.heapMiB + s.arrayBuffersMiB;
    console.log(
      `  server store (worker load, columns): ${f(s.seconds, 2)} s to the summary (${f(s.seconds / ours.seconds, 2)}× the CLI), ${f(s.calls)} calls; ` +
        `after load heap ${f(s.heapMiB)} MiB + columns ${f(s.arrayBuffersMiB)} MiB = ${f(held)} MiB — goal ≤ ${HEAP_GOAL_MIB} MiB: ${held <= HEAP_GOAL_MIB ? 'met' : 'MISSED'}; ` +
        `load answer ${f(s.answerBytes / 1024, 1)} KiB; first page of 500 ${f(s.firstPageMs, 1)} ms; a call's detail (read again + replay) median ${f(s.detailMs, 2)} ms`,
    );
  }
  if (legacyToo) {
    const l = store('legacy', path);
    if (typeof l === 'string') console.log(`  baseline, legacy store (every summary in the answer): ${l}`);
    else console.log(`  baseline, legacy store (every summary in the answer): ${f(l.seconds, 2)} s, heap after load ${f(l.heapMiB)} MiB, load answer ${f(l.answerBytes / MiB, 1)} MiB`);
  } else console.log('  (the legacy store is not run on this file: it holds an object per call)');
}

async function main(): Promise<void> {
  const dense = join(DIR, 'dense-256m.trace');
  const tasks = join(DIR, 'tasks-200k.trace');
  const big = join(DIR, 'dense-1g.trace');
  generateLog(dense, Number(process.env.PINSCOPE_BENCH_DENSE_BYTES ?? GiB / 4), 1);
  generateTasks(tasks, 200000);
  const withBig = process.env.PINSCOPE_BENCH_1G !== '0';
  if (withBig) generateLog(big, GiB, 1);
  const baseline = await baselineCli();
  await measure('dense kprobe log (266,720 calls, 7 tasks)', dense, baseline, true);
  await measure('test-suite shape (200,000 calls from 66,667 tasks)', tasks, baseline, true);
  if (withBig) await measure('1 GiB dense kprobe log', big, baseline, false);
  console.log(`\ngoals: CLI table mode ≤ ${CLI_GOAL_MIB} MiB peak RSS; server ≤ ${HEAP_GOAL_MIB} MiB after the load (heap + columns), on all three`);
}

if (process.argv[2] === 'store') void storeChild(process.argv[3] as 'new' | 'legacy', process.argv[4]!);
else void main();
