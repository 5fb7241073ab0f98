// Two ways to follow a growing trace file (see node/trace-follow.ts): in a
// worker thread (the server: reading and replaying never block its requests),
// or in this thread (tests). The worker sends each update's delta as
// transferred buffers (moved, not copied).
import { Worker } from 'node:worker_threads';
import { followTrace, type FollowEnd, type FollowOptions, type FollowUpdate } from '../node/trace-follow';
import { TraceError } from '../trace';

export interface LiveFollow {
  /** The writer closed the file: read it to its end; the last calls and the summary. */
  finish(): Promise<FollowEnd>;
  /** Stop following (the trace was unloaded). */
  stop(): void;
}

/** Starts following; `onFailure` reports a reading that stopped by itself (bad input, the file gone). */
export type FollowLoader = (request: FollowOptions, onUpdate: (update: FollowUpdate) => void, onFailure: (error: TraceError | Error) => void) => LiveFollow;

export const inProcessFollower: FollowLoader = (request, onUpdate, onFailure) => {
  const abort = new AbortController();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const ended = followTrace(request, { signal: abort.signal, finished, onUpdate });
  let asked = false;
  ended.catch((error: Error) => {
    if (!asked && !abort.signal.aborted) onFailure(error);
  });
  return {
    finish: () => {
      asked = true;
      finish();
      return ended;
    },
    stop: () => abort.abort(),
  };
};

/** What the worker is given to follow (workerData). */
export interface FollowWorkerData {
  readonly follow: FollowOptions;
}

/** Messages between the server and a following trace-worker.ts. */
export type FollowToWorker = { readonly type: 'finish' };
export type FollowFromWorker =
  | { readonly type: 'update'; readonly update: FollowUpdate }
  | { readonly type: 'end'; readonly end: FollowEnd }
  | { readonly type: 'error'; readonly message: string; readonly traceError: boolean };

/** Follows the file in a worker thread running `script` (dist/trace-worker.js); stop ends the worker. */
export function workerFollower(script: string): FollowLoader {
  return (request, onUpdate, onFailure) => {
    const worker = new Worker(script, { workerData: { follow: request } satisfies FollowWorkerData });
    let settle: { resolve: (end: FollowEnd) => void; reject: (error: Error) => void } | null = null;
    let ended: FollowEnd | null = null;
    let failed: Error | null = null;
    let stopped = false;
    const fail = (error: Error) => {
      if (stopped || failed) return;
      failed = error;
      if (settle) settle.reject(error);
      else onFailure(error);
    };
    worker.on('message', (message: FollowFromWorker) => {
      if (message.type === 'update') onUpdate(message.update);
      else if (message.type === 'end') {
        ended = message.end;
        settle?.resolve(message.end);
        void worker.terminate();
      } else fail(message.traceError ? new TraceError(message.message) : new Error(message.message));
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!ended) fail(new Error(`the trace follower stopped (exit code ${code})`));
    });
    return {
      finish: () =>
        new Promise<FollowEnd>((resolve, reject) => {
          if (ended) return resolve(ended);
          if (failed) return reject(failed);
          settle = { resolve, reject };
          worker.postMessage({ type: 'finish' } satisfies FollowToWorker);
        }),
      stop: () => {
        stopped = true;
        void worker.terminate();
      },
    };
  };
}
