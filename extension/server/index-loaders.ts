// Two ways to build a trace's index: in a worker thread (the server: lenses,
// hovers and Cancel stay responsive during a load), or in this thread (tests).
import { Worker } from 'node:worker_threads';
import { loadTraceIndex } from '../node/trace-index-load';
import type { ParallelOptions } from '../node/trace-pieces';
import { TraceError } from '../trace';
import type { IndexLoader, LoadedColumns, LoaderProgress } from './trace-store';

/** How often a load reports progress. */
const PROGRESS_MS = 100;

/** Reads the trace in this thread (a big plain text file in pieces, when `parallel` says how). */
export function inThreadLoader(parallel?: ParallelOptions): IndexLoader {
  return (request, signal, onProgress) => load(request, signal, onProgress, parallel);
}

/** Reads the trace in this thread, whole. */
export const inProcessLoader: IndexLoader = inThreadLoader();

const load = async (request: Parameters<IndexLoader>[0], signal: AbortSignal, onProgress: Parameters<IndexLoader>[2], parallel?: ParallelOptions): Promise<LoadedColumns> => {
  let last = 0;
  const { columns, summary, decision, kernel, pieces } = await loadTraceIndex({
    ...request,
    signal,
    ...(parallel ? { parallel } : {}),
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < PROGRESS_MS) return;
      last = now;
      onProgress(p);
    },
  });
  onProgress({ bytes: summary.bytes, total: summary.bytes, lines: summary.lines, calls: columns.count });
  return {
    columns,
    format: summary.format,
    lines: summary.lines,
    bytes: summary.bytes,
    copied: summary.copied,
    byRecord: summary.byRecord,
    seek: summary.seek ?? null,
    skipped: { lines: summary.skipped.lines, examples: summary.skipped.examples },
    lost: summary.lost.reduce((n, l) => n + l.count, 0),
    kernelRelease: summary.kernelRelease,
    decision,
    kernel,
    pieces,
  };
};

/** Messages from trace-worker.ts. */
export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: LoaderProgress }
  | { readonly type: 'done'; readonly loaded: LoadedColumns }
  | { readonly type: 'error'; readonly message: string; readonly traceError: boolean };

/**
 * Reads the trace in a worker thread running `script` (dist/trace-worker.js);
 * Cancel ends the worker. (Two workers, each parsing and replaying half the
 * calls, were measured 1.7× slower on this busy 2-core machine: parsing twice
 * cost about what the shared replays saved.)
 */
export function workerLoader(script: string): IndexLoader {
  return (request, signal, onProgress) =>
    new Promise<LoadedColumns>((resolve, reject) => {
      if (signal.aborted) return reject(new TraceError('cancelled'));
      const worker = new Worker(script, { workerData: request });
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
