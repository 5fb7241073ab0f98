// The worker thread that reads a trace into its index (see index-loaders.ts),
// or follows one as it is written (see follow-loaders.ts), or reads one
// piece of a big trace for the first (see node/trace-pieces.ts): progress and
// updates go out as messages, columns (with a trace.dat's checkpoints) and
// deltas as transferred buffers (moved, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { TraceError } from '../trace';
import { columnBuffers, deltaBuffers } from '../trace/index-columns';
import { seekTableBuffers } from '../trace/tracedat';
import { followTrace } from '../node/trace-follow';
import type { FollowFromWorker, FollowToWorker, FollowWorkerData } from './follow-loaders';
import { pieceBuffers, piecesOnEveryCore, readPiece, type PieceMessage, type PieceSpec } from '../node/trace-pieces';
import { inThreadLoader, type WorkerMessage } from './index-loaders';
import type { IndexRequest } from './trace-store';

const port = parentPort!;
const fail = (error: unknown) => ({ type: 'error', message: (error as Error).message, traceError: error instanceof TraceError }) as const;

const piece = (workerData as { piece?: PieceSpec }).piece;
if (piece) {
  const post = (message: PieceMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  let last = 0;
  readPiece(piece, (progress) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    post({ type: 'progress', progress });
  }).then(
    (read) => post({ type: 'done', piece: read }, pieceBuffers(read)),
    (error: unknown) => post(fail(error)),
  );
} else if ((workerData as Partial<FollowWorkerData>).follow) {
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
  // The pieces after the first run this same script; the first is read here, while this thread waits for them.
  const loader = inThreadLoader(piecesOnEveryCore(__filename));
  loader(workerData as IndexRequest, new AbortController().signal, (progress) => post({ type: 'progress', progress })).then(
    (loaded) => post({ type: 'done', loaded }, [...columnBuffers(loaded.columns), ...(loaded.seek ? seekTableBuffers(loaded.seek) : [])]),
    (error: unknown) => post(fail(error)),
  );
}
