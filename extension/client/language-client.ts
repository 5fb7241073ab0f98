// Starts the Pinscope language server (dist/server.js) as its own process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

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
  let crashes: number[] = [];
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'c' }],
    outputChannel: log,
    initializationOptions: { ripgrep: bundledRipgrep() },
    // Restart after a crash (up to 4 times in 3 minutes, as the library counts) and say so.
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        crashes = crashes.filter((t) => Date.now() - t < 180_000);
        crashes.push(Date.now());
        if (crashes.length > 4) {
          log.error('the Pinscope language server stopped 5 times in 3 minutes; not restarting (Developer: Reload Window to retry)');
          void vscode.window.showErrorMessage('Pinscope: the language server keeps stopping; see Pinscope: Show Log.');
          return { action: CloseAction.DoNotRestart };
        }
        log.warn('the Pinscope language server stopped; restarting it');
        void vscode.window.showWarningMessage('Pinscope: the language server stopped and is being restarted.');
        return { action: CloseAction.Restart };
      },
    },
    // C files changed on disk keep the workspace index current.
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{c,h}') },
  };
  return new LanguageClient('pinscope', 'Pinscope', serverOptions, clientOptions);
}
