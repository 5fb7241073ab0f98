// Starts the built language server as a child process and talks LSP to it
// over stdio through a real JSON-RPC client connection.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  ShutdownRequest,
  ExitNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './fixtures';

export interface ServerSession {
  readonly connection: ProtocolConnection;
  readonly initializeResult: InitializeResult;
  readonly stderr: () => string;
  /** The server process is still running. */
  readonly alive: () => boolean;
  stop(): Promise<void>;
}

export async function startServer(
  options: {
    rootUri?: string;
    capabilities?: Record<string, unknown>;
    beforeInitialized?: (c: ProtocolConnection) => void;
    /** Rewrites the command that starts the server (e.g. to run it without root's read override). */
    command?: (command: string, args: readonly string[]) => [string, string[]];
    /** Added to the server's environment. */
    env?: Record<string, string>;
  } = {},
): Promise<ServerSession> {
  const [command, args] = (options.command ?? ((c, a) => [c, [...a]]))(process.execPath, [join(REPO_ROOT, 'dist/server.js'), '--stdio']);
  const child: ChildProcess = spawn(command, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let running = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => ((running = false), resolve())));
  const died = exited.then(() => {
    throw new Error(`the language server exited during start-up:\n${stderr}`);
  });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  connection.listen();
  // Readiness is the answer to `initialize`: no sleeping.
  const initializeResult = await Promise.race([
    connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: options.rootUri ?? null,
      capabilities: options.capabilities ?? {},
      workspaceFolders: options.rootUri ? [{ uri: options.rootUri, name: 'workspace' }] : null,
    }),
    died,
  ]);
  died.catch(() => undefined);
  options.beforeInitialized?.(connection);
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    connection,
    initializeResult,
    stderr: () => stderr,
    alive: () => running,
    async stop() {
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      await exited;
      connection.dispose();
    },
  };
}
