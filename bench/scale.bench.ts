// Big traces, end to end (issue 11): the CLI's table mode and the server's
// store of loaded traces on the 266,720-call dense log, a 200,000-call trace
// from 66,667 tasks, and a 1 GiB dense log (about a million calls).
// Baselines, same run and files: the CLI and the language server built from
// PINSCOPE_BENCH_BASELINE_REF (default: the commit before this work), whose
// one load request (pinscope/trace/load, since deleted) answered every call's
// summary and kept an object per call. The CLI and the built language
// server run as their own processes (RSS from /proc/PID/status: VmHWM the
// peak, VmRSS after the load); the server is driven over LSP like the editor.
import { execFileSync, spawn } from 'node:child_process';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ServerMemoryRequest, TraceCallRequest, TraceCallsRequest, TraceOpenRequest, type ServerMemoryResult, type TraceOpenResult } from '../extension/protocol/lsp';
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
  /** The language server process: RSS after the load (heap, columns, code), and its peak during the load (main thread and worker). */
  readonly rssMiB: number;
  readonly peakMiB: number;
  /** Its V8 heap after the load, and the index's typed arrays (the columns) beside it. */
  readonly heapMiB: number;
  readonly columnsMiB: number;
  readonly answerBytes: number;
  readonly firstPageMs: number;
  readonly detailMs: number;
  readonly calls: number;
}

function vm(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** What the baseline server's pinscope/trace/load answered (the request is gone from ours). */
type BaselineLoadResult = { readonly ok: true; readonly traceId: number; readonly calls: readonly unknown[] } | { readonly ok: false; readonly error: string };

/**
 * A built language server as the editor runs it (a process over stdio): load
 * FILE through the request its editor sends — ours pinscope/trace/open, the
 * baseline's pinscope/trace/load.
 */
async function store(kind: 'new' | 'baseline', server: string, path: string): Promise<StoreFigures | string> {
  // The baseline bundle lives outside the repository: it finds the WASM packages through NODE_PATH.
  const child = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_PATH: join(REPO, 'node_modules') } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  // A server that dies answers nothing: say so instead of waiting on a request that never returns.
  const died = new Promise<never>((_, reject) => child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`))));
  died.catch(() => undefined);
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  const ask = <T>(request: Promise<T>) => Promise.race([request, died]);
  try {
    await ask(connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null }));
    await connection.sendNotification(InitializedNotification.type, {});
    const start = process.hrtime.bigint();
    let answerBytes: number;
    let calls: number;
    let traceId: number;
    let columns = 0;
    if (kind === 'new') {
      const opened = (await ask(connection.sendRequest(TraceOpenRequest.method, { path }))) as TraceOpenResult;
      if (!opened.ok) return opened.error;
      answerBytes = JSON.stringify(opened).length;
      ({ traceId } = opened.trace);
      calls = opened.trace.totals.calls;
      columns = opened.trace.indexBytes;
    } else {
      const loaded = (await ask(connection.sendRequest('pinscope/trace/load', { path }))) as BaselineLoadResult;
      if (!loaded.ok) return loaded.error;
      answerBytes = JSON.stringify(loaded).length;
      ({ traceId } = loaded);
      calls = loaded.calls.length;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    let t = process.hrtime.bigint();
    if (kind === 'new') await ask(connection.sendRequest(TraceCallsRequest.method, { traceId, offset: 0, limit: 500 }));
    const firstPageMs = kind === 'new' ? Number(process.hrtime.bigint() - t) / 1e6 : 0;
    // A chosen call's detail: the median of 21 calls spread over the trace.
    const times: number[] = [];
    for (let k = 0; k <= 20; k++) {
      t = process.hrtime.bigint();
      await ask(connection.sendRequest(TraceCallRequest.method, { traceId, index: Math.floor(((calls - 1) * k) / 20) }));
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    // Let the server's idle GC run before reading its RSS.
    await new Promise((r) => setTimeout(r, 1500));
    // The baseline server had no memory request: its heap is then unknown (NaN), its RSS still read.
    const memory = (await ask(connection.sendRequest(ServerMemoryRequest.method, {})).catch(() => ({ heapUsed: NaN }))) as Pick<ServerMemoryResult, 'heapUsed'>;
    return {
      seconds,
      rssMiB: vm(child.pid!, 'VmRSS'),
      peakMiB: vm(child.pid!, 'VmHWM'),
      heapMiB: memory.heapUsed / MiB,
      // The columns came from the worker (transferred): this thread's arrayBuffers does not count them.
      columnsMiB: columns / MiB,
      answerBytes,
      firstPageMs,
      detailMs: times[10]!,
      calls,
    };
  } finally {
    await connection.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await connection.sendNotification(ExitNotification.type).catch(() => undefined);
    connection.dispose();
    child.kill();
  }
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

/** The CLI and the language server of the baseline commit, bundled like ours (its sources from git, our node_modules). */
async function baselineBuild(): Promise<{ cli: string; server: string } | null> {
  const dir = join(DIR, `baseline-${BASELINE_REF}`);
  const built = { cli: join(dir, 'cli.js'), server: join(dir, 'server.js') };
  if (existsSync(built.cli) && existsSync(built.server)) return built;
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['-C', REPO, 'archive', BASELINE_REF, 'extension', 'tsconfig.base.json'], { maxBuffer: 256 * MiB });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    const { build } = await import('esbuild');
    const shims = { define: { 'import.meta.url': '__u' }, banner: { js: "const __u = require('url').pathToFileURL(__filename).href;" } };
    const options: import('esbuild').BuildOptions = { ...shims, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', nodePaths: [join(REPO, 'node_modules')], logLevel: 'warning' };
    await build({ ...options, entryPoints: [join(dir, 'extension/cli/main.ts')], outfile: built.cli });
    await build({ ...options, entryPoints: [join(dir, 'extension/server/main.ts')], outfile: built.server });
    return built;
  } catch (error) {
    console.log(`  (no baseline build: ${(error as Error).message.split('\n')[0]})`);
    return null;
  }
}

const f = (n: number, digits = 0) => n.toFixed(digits);

async function measure(label: string, path: string, baseline: { cli: string; server: string } | null, baselineServerToo: boolean): Promise<void> {
  const size = statSync(path).size;
  console.log(`\n${label}: ${f(size / MiB)} MiB`);
  const cli = join(REPO, 'dist', 'cli.js');
  const ours = await measureProcess(process.execPath, [cli, 'replay', path]);
  const old = baseline ? await measureProcess(process.execPath, [baseline.cli, 'replay', path]) : null;
  console.log(
    `  CLI table mode (pinscope replay FILE > /dev/null): ${f(ours.seconds, 2)} s, peak RSS ${f(ours.peakMiB)} MiB` +
      (old ? `; baseline ${BASELINE_REF}: ${f(old.seconds, 2)} s, ${f(old.peakMiB)} MiB (${f(old.peakMiB / ours.peakMiB, 1)}× ours)` : '') +
      ` — goal ≤ ${CLI_GOAL_MIB} MiB: ${ours.peakMiB <= CLI_GOAL_MIB ? 'met' : 'MISSED'}`,
  );
  const s = await store('new', join(REPO, 'dist', 'server.js'), path).catch((error: Error) => error.message);
  if (typeof s === 'string') console.log(`  language server: ${s}`);
  else {
    console.log(
      `  language server, pinscope/trace/open (worker load, columns): ${f(s.seconds, 2)} s to the summary (${f(s.seconds / ours.seconds, 2)}× the CLI), ${f(s.calls)} calls; ` +
        `after the load heap ${f(s.heapMiB)} MiB + columns ${f(s.columnsMiB)} MiB = ${f(s.heapMiB + s.columnsMiB)} MiB — goal ≤ ${HEAP_GOAL_MIB} MiB: ${s.heapMiB + s.columnsMiB <= HEAP_GOAL_MIB ? 'met' : 'MISSED'} ` +
        `(process RSS ${f(s.rssMiB)} MiB, peak during the load ${f(s.peakMiB)} MiB); ` +
        `load answer ${f(s.answerBytes / 1024, 1)} KiB; first page of 500 rows ${f(s.firstPageMs, 1)} ms; a call's detail (read again + replay) median ${f(s.detailMs, 2)} ms`,
    );
  }
  if (baselineServerToo && baseline) {
    const l = await store('baseline', baseline.server, path).catch((error: Error) => error.message);
    const what = `baseline ${BASELINE_REF} language server, pinscope/trace/load (every summary in the answer)`;
    if (typeof l === 'string') console.log(`  ${what}: ${l}`);
    else console.log(`  ${what}: ${f(l.seconds, 2)} s, ${Number.isNaN(l.heapMiB) ? 'heap not reported (it had no memory request)' : `heap after the load ${f(l.heapMiB)} MiB`} (RSS ${f(l.rssMiB)} MiB, peak ${f(l.peakMiB)} MiB), load answer ${f(l.answerBytes / MiB, 1)} MiB; a call's detail median ${f(l.detailMs, 2)} ms`);
  } else console.log('  (the baseline server is not run on this file: it holds an object per call)');
}

async function main(): Promise<void> {
  const dense = join(DIR, 'dense-256m.trace');
  const tasks = join(DIR, 'tasks-200k.trace');
  const big = join(DIR, 'dense-1g.trace');
  generateLog(dense, Number(process.env.PINSCOPE_BENCH_DENSE_BYTES ?? GiB / 4), 1);
  generateTasks(tasks, 200000);
  const withBig = process.env.PINSCOPE_BENCH_1G !== '0';
  if (withBig) generateLog(big, GiB, 1);
  const baseline = await baselineBuild();
  // PINSCOPE_BENCH_SCALE=dense,tasks,1g (default all) picks the files.
  const only = (process.env.PINSCOPE_BENCH_SCALE ?? 'dense,tasks,1g').split(',');
  if (only.includes('dense')) await measure('dense kprobe log (266,720 calls, 7 tasks)', dense, baseline, true);
  if (only.includes('tasks')) await measure('test-suite shape (200,000 calls from 66,667 tasks)', tasks, baseline, true);
  if (withBig && only.includes('1g')) await measure('1 GiB dense kprobe log', big, baseline, false);
  console.log(`\ngoals: CLI table mode ≤ ${CLI_GOAL_MIB} MiB peak RSS; language server ≤ ${HEAP_GOAL_MIB} MiB heap after the load (counted with the columns beside it), on all three`);
}

void main();
