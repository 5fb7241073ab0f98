// One job in a worker thread (dist/trace-worker.js): its progress on the
// way, then its answer or why it failed; Cancel ends the worker.
import { Worker } from 'node:worker_threads';
import { TraceError } from '../trace';

/** What such a worker posts: progress, then done or error. */
export type WorkerJobMessage<P, D extends { readonly type: 'done' }> =
  | { readonly type: 'progress'; readonly progress: P }
  | D
  | { readonly type: 'error'; readonly message: string; readonly traceError: boolean };

/**
 * Runs `script` with `workerData` until it posts done (its answer is
 * `answer(message)`) or fails; the worker is ended either way. `what` names
 * it when it stops without a word.
 */
export function runWorkerJob<P, D extends { readonly type: 'done' }, R>(
  script: string,
  workerData: unknown,
  job: { readonly what: string; readonly signal?: AbortSignal; readonly onProgress: (progress: P) => void; readonly answer: (done: D) => R },
): Promise<R> {
  const { signal } = job;
  return new Promise<R>((resolve, reject) => {
    if (signal?.aborted) return reject(new TraceError('cancelled'));
    const worker = new Worker(script, { workerData });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', cancel);
      void worker.terminate();
      fn();
    };
    const cancel = () => settle(() => reject(new TraceError('cancelled')));
    signal?.addEventListener('abort', cancel, { once: true });
    worker.on('message', (message: WorkerJobMessage<P, D>) => {
      if (message.type === 'progress') job.onProgress(message.progress);
      else if (message.type === 'done') settle(() => resolve(job.answer(message as D)));
      else settle(() => reject(message.traceError ? new TraceError(message.message) : new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${job.what} stopped (exit code ${code})`))));
  });
}
