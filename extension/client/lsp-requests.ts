// Typed custom requests from the extension host to the language server. While
// the server is down (stopped, or restarting after a crash) a request fails
// with ServerUnavailable instead of hanging, and the commands say so.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { RequestDescriptor } from '../protocol/lsp';

export class ServerUnavailable extends Error {
  constructor() {
    super("Pinscope's language server is not running (it restarts after a crash; see Pinscope: Show Log)");
    this.name = 'ServerUnavailable';
  }
}

export function sendRequest<Params, Result>(
  client: LanguageClient,
  request: RequestDescriptor<Params, Result>,
  params: Params,
): Promise<Result> {
  if (!client.isRunning()) return Promise.reject(new ServerUnavailable());
  return client.sendRequest<Result>(request.method, params);
}

/** Wraps a command so that a server that is down gives a message, not an error dialog. */
export function whileServerUp<Args extends unknown[], Result>(run: (...args: Args) => Promise<Result>): (...args: Args) => Promise<Result | undefined> {
  return async (...args: Args) => {
    try {
      return await run(...args);
    } catch (error) {
      // Down before the request, or went down while it was in flight.
      const lost = error instanceof ServerUnavailable || /connection got disposed|Connection is (closed|disposed)|Client is not running/i.test(String(error));
      if (!lost) throw error;
      void vscode.window.showWarningMessage(new ServerUnavailable().message);
      return undefined;
    }
  };
}

/** vscode.commands.registerCommand, with a server that is down answered by a message. */
export function registerCommand(id: string, run: (...args: any[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, whileServerUp(async (...args: unknown[]) => run(...args)));
}
