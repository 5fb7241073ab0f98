// Starts the Pinscope language server (dist/server.js) as its own process.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }],
    outputChannel: log,
    // C files changed on disk keep the workspace index current.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{c,h}') },
  };
  return new LanguageClient('pinscope', 'Pinscope', serverOptions, clientOptions);
}
