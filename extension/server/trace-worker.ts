// The worker thread that reads a trace into its index (see index-loaders.ts),
// or follows one as it is written (see follow-loaders.ts): progress and
// updates go out as messages, columns (with a trace.dat's checkpoints) and
// deltas as transferred buffers (moved, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { TraceError } from '../trace';
import { columnBuffers, deltaBuffers } from '../trace/index-columns';
import { seekTableBuffers } from '../trace/tracedat';
import { followTrace } from '../node/trace-follow';
import type { FollowFromWorker, FollowToWorker, FollowWorkerData } from './follow-loaders';
import { inProcessLoader, type WorkerMessage } from './index-loaders';
import type { IndexRequest } from './trace-store';

const port = parentPort!;
const fail = (error: unknown) => ({ type: 'error', message: (error as Error).message, traceError: error instanceof TraceError }) as const;

if ((workerData as Partial<FollowWorkerData>).follow) {
  const post = (message: FollowFromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const finished = new Promise<void>((resolve) => port.on('message', (message: FollowToWorker) => message.type === 'finish' && resolve()));
  followTrace((workerData as FollowWorkerData).follow, {
    signal: new AbortController().signal,
    finished,
    onUpdate: (update) => post({ type: 'update', update }, deltaBuffers(update.delta)),
  }).then(
    (end) => post({ type: 'end', end }, deltaBuffers(end.update.delta)),
    (error: unknown) => post(fail(error)),
  );
} else {
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  inProcessLoader(workerData as IndexRequest, new AbortController().signal, (progress) => post({ type: 'progress', progress })).then(
    (loaded) => post({ type: 'done', loaded }, [...columnBuffers(loaded.columns), ...(loaded.seek ? seekTableBuffers(loaded.seek) : [])]),
    (error: unknown) => post(fail(error)),
  );
}
