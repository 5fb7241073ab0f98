// Typed handlers for the custom requests the extension host sends.
import { RequestType, type Connection, type RequestHandler } from 'vscode-languageserver/node';
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
