// Two ways to build a trace's index: in a worker thread (the server: lenses,
// hovers and Cancel stay responsive during a load), or in this thread (tests).
import { loadTraceIndex } from '../node/trace-index-load';
import { runWorkerJob, type WorkerJobMessage } from '../node/worker-task';
import type { ParallelOptions } from '../node/trace-pieces';
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
export type WorkerMessage = WorkerJobMessage<LoaderProgress, { readonly type: 'done'; readonly loaded: LoadedColumns }>;

/**
 * Reads the trace in a worker thread running `script` (dist/trace-worker.js),
 * which reads a big plain text file in pieces (node/trace-pieces.ts); Cancel
 * ends the worker.
 */
export function workerLoader(script: string): IndexLoader {
  return (request, signal, onProgress) =>
    runWorkerJob(script, request, { what: 'the trace reader', signal, onProgress, answer: (done: { readonly type: 'done'; readonly loaded: LoadedColumns }) => done.loaded });
}
