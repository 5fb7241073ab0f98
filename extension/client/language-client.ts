// Starts the Pinscope language server (dist/server.js) as its own process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

/** VS Code's own ripgrep, for the server's index pre-filter (else the server tries `rg` on PATH). */
function bundledRipgrep(): string {
  const name = process.platform === 'win32' ? 'rg.exe' : 'rg';
  for (const modules of ['node_modules', 'node_modules.asar.unpacked']) {
    const path = join(vscode.env.appRoot, modules, '@vscode', 'ripgrep', 'bin', name);
    if (existsSync(path)) return path;
  }
  return 'rg';
}

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }],
    outputChannel: log,
    initializationOptions: { ripgrep: bundledRipgrep() },
    // C files changed on disk keep the workspace index current.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{c,h}') },
  };
  return new LanguageClient('pinscope', 'Pinscope', serverOptions, clientOptions);
}
