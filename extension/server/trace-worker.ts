// The worker thread that reads a trace into its index (see index-loaders.ts):
// progress goes out as messages, the columns at the end as transferred
// buffers (moved, not copied), with a trace.dat's checkpoints.
import { parentPort, workerData } from 'node:worker_threads';
import { TraceError } from '../trace';
import { columnBuffers } from '../trace/index-columns';
import { seekTableBuffers } from '../trace/tracedat';
import { inProcessLoader, type WorkerMessage } from './index-loaders';
import type { IndexRequest } from './trace-store';

const port = parentPort!;
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

inProcessLoader(workerData as IndexRequest, new AbortController().signal, (progress) => post({ type: 'progress', progress })).then(
  (loaded) => post({ type: 'done', loaded }, [...columnBuffers(loaded.columns), ...(loaded.seek ? seekTableBuffers(loaded.seek) : [])]),
  (error: unknown) => post({ type: 'error', message: (error as Error).message, traceError: error instanceof TraceError }),
);
