// Typed custom requests from the extension host to the language server.
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestDescriptor } from '../protocol/lsp';

export function sendRequest<Params, Result>(
  client: LanguageClient,
  request: RequestDescriptor<Params, Result>,
  params: Params,
): Promise<Result> {
  return client.sendRequest<Result>(request.method, params);
}
