// Activation: start the language server, register the commands and the
// replay panel. Everything heavy runs in the server.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerReplayCommands } from './features/replay-commands';
import { ReplayPanel } from './features/replay-panel';
import type { RenderedMessage } from '../protocol/webview';
import { createLanguageClient } from './language-client';

/** What activate() returns: tests and other extensions await `ready`. */
export interface PinscopeApi {
  /** Resolves once the language server has answered `initialize`. */
  readonly ready: Promise<void>;
  /** Fires when the replay view has put a replay on screen. */
  readonly onDidRenderReplay: vscode.Event<RenderedMessage>;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): PinscopeApi {
  const log = vscode.window.createOutputChannel('Pinscope', { log: true });
  client = createLanguageClient(context, log);
  const panel = new ReplayPanel(context.extensionUri, client, log);
  context.subscriptions.push(log, panel, ...registerReplayCommands(panel));
  const ready = client.start().catch((error: unknown) => {
    log.error(`the language server did not start: ${String(error)}`);
    throw error;
  });
  return { ready, onDidRenderReplay: panel.onDidRender };
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
