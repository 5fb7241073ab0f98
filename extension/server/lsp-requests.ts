// Typed handlers for the custom requests the extension host sends.
import { LSPErrorCodes, RequestType, ResponseError, type CancellationToken, type Connection, type RequestHandler } from 'vscode-languageserver/node';
import type { RequestDescriptor } from '../protocol/lsp';

export function onRequest<Params, Result>(
  connection: Connection,
  request: RequestDescriptor<Params, Result>,
  handler: (params: Params) => Result | Promise<Result>,
): void {
  // The cast only bridges TypeScript's overload resolution on generic types;
  // the handler already has the descriptor's types.
  connection.onRequest(new RequestType<Params, Result, void>(request.method), handler as RequestHandler<Params, Result, void>);
}

/**
 * A request that reports progress and can be cancelled: the server opens its
 * own work-done progress (when the client supports it), and a cancelled
 * request aborts the work.
 */
export function onLongRequest<Params, Result>(
  connection: Connection,
  request: RequestDescriptor<Params, Result>,
  title: string,
  handler: (params: Params, progress: (message: string, percentage?: number) => void, signal: AbortSignal) => Promise<Result>,
): void {
  connection.onRequest(new RequestType<Params, Result, void>(request.method), (async (params: Params, token: CancellationToken) => {
    const abort = new AbortController();
    token.onCancellationRequested(() => abort.abort());
    const progress = await connection.window.createWorkDoneProgress().catch(() => null);
    progress?.begin(title, 0, undefined, true);
    progress?.token.onCancellationRequested(() => abort.abort());
    try {
      return await handler(params, (message, percentage) => progress?.report(percentage ?? 0, message), abort.signal);
    } finally {
      progress?.done();
    }
  }) as RequestHandler<Params, Result, void>);
}

/**
 * A request the client cancelled (the document changed since it asked, say)
 * is answered with RequestCancelled and no work: stale lens requests during a
 * burst of edits must not queue analyses.
 */
export function dropIfCancelled(token: CancellationToken | undefined): void {
  if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}
