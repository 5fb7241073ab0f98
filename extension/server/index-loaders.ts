// Two ways to build a trace's index: in worker threads (the server: lenses,
// hovers and Cancel stay responsive during a load), or in this thread (tests,
// the CLI).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { loadTraceIndex } from '../node/trace-index-load';
import { TraceError } from '../trace';
import { mergeColumns } from '../trace/index-columns';
import type { IndexLoader, IndexRequest, LoadedColumns, LoaderProgress } from './trace-store';

/** How often a load reports progress. */
const PROGRESS_MS = 100;

/** Reads the trace in this thread (replaying the share of calls given, all by default). */
export const inProcessLoader: IndexLoader = (request, signal, onProgress) => loadShare(request, signal, onProgress, undefined);

export async function loadShare(request: IndexRequest, signal: AbortSignal, onProgress: (p: LoaderProgress) => void, share: { part: number; of: number } | undefined): Promise<LoadedColumns> {
  let last = 0;
  const { columns, summary } = await loadTraceIndex({
    ...request,
    ...(share ? { share } : {}),
    signal,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      onProgress(p);
    },
  });
  const loaded = toLoaded(columns, summary);
  onProgress({ bytes: summary.bytes, total: summary.bytes, lines: summary.lines, calls: columns.count });
  return loaded;
}

export function toLoaded(columns: LoadedColumns['columns'], summary: Awaited<ReturnType<typeof loadTraceIndex>>['summary']): LoadedColumns {
  return {
    columns,
    format: summary.format,
    lines: summary.lines,
    bytes: summary.bytes,
    copied: summary.copied,
    skipped: { lines: summary.skipped.lines, examples: summary.skipped.examples },
    lost: summary.lost.reduce((n, l) => n + l.count, 0),
  };
}

/** Messages from trace-worker.ts. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: LoaderProgress }
  | { readonly type: 'done'; readonly loaded: LoadedColumns }
  | { readonly type: 'error'; readonly message: string; readonly traceError: boolean };

/** What a worker is given. */
export interface WorkerJob {
  readonly request: IndexRequest;
  readonly share: { readonly part: number; readonly of: number };
}

/**
 * Reads the trace in worker threads running `script` (dist/trace-worker.js).
 * With `workers` > 1 each parses the whole file and replays its share of the
 * calls, and their columns are merged. One by default: measured on a busy
 * 2-core machine, two workers took 1.7× as long (parsing twice costs about
 * what the shared replays save); PINSCOPE_TRACE_WORKERS=2 tries it.
 * Cancel ends the workers.
 */
export function workerLoader(script: string, workers = 1): IndexLoader {
  return async (request, signal, onProgress) => {
    const of = Math.max(1, Math.min(workers, availableParallelism()));
    const parts = await Promise.all(
      Array.from({ length: of }, (_, part) =>
        // Only the first part writes the decompressed copy and reports progress.
        runWorker(script, { request: part === 0 ? request : { ...request, copyTo: '' }, share: { part, of } }, signal, part === 0 ? onProgress : () => undefined),
      ),
    );
    return parts.length === 1 ? parts[0]! : { ...parts[0]!, columns: mergeColumns(parts.map((p) => p.columns)) };
  };
}

function runWorker(script: string, job: WorkerJob, signal: AbortSignal, onProgress: (p: LoaderProgress) => void): Promise<LoadedColumns> {
  return new Promise<LoadedColumns>((resolve, reject) => {
    if (signal.aborted) return reject(new TraceError('cancelled'));
    const worker = new Worker(script, { workerData: job });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', cancel);
      fn();
    };
    const cancel = () => {
      settle(() => reject(new TraceError('cancelled')));
      void worker.terminate();
    };
    signal.addEventListener('abort', cancel, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.progress);
      else if (message.type === 'done') settle(() => resolve(message.loaded));
      else settle(() => reject(message.traceError ? new TraceError(message.message) : new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the trace reader stopped (exit code ${code})`))));
  });
}
