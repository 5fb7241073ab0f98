// Hosts the extension under development in the VS Code server shipped inside
// code-server@4.100.3 (VS Code 1.100.3), for the in-editor tests and the demo.
// Recipe: shared/docs/editor-test-host.md.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..');

export interface VsCodeServer {
  readonly port: number;
  /** "VS Code server 1.100.3 (code-server 4.100.3)". */
  readonly description: string;
  /** Rejects when the server process exits. */
  readonly exited: Promise<never>;
  /** The workbench URL that opens `folder` with the extension under development. */
  workbenchUrl(folder: string, extra?: Array<[string, string]>): string;
  stop(): void;
}

function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (preferred && error.code === 'EADDRINUSE') resolve(freePort(0));
      else reject(error);
    });
    server.listen(preferred, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Installs the VS Code server into the cache (once) and returns its folder. */
function ensureCodeServer(): string {
  const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/ensure-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error('could not install the VS Code server (scripts/ensure-code-server.sh failed)');
  return run.stdout.trim();
}

/** A quiet workbench: no welcome page, no tips, no marketplace look-ups (the machine is offline). */
function writeUserSettings(userDataDir: string): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'telemetry.telemetryLevel': 'off',
    'git.openRepositoryInParentFolders': 'never',
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Resolves on the first output matching `pattern`; rejects if the process exits first. */
function waitForOutput(child: ChildProcess, pattern: RegExp, log: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.push(chunk.toString());
      if (pattern.test(log.join(''))) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the VS Code server exited (${code}) before it listened:\n${log.join('')}`)));
  });
}

export async function startVsCodeServer(options: { env?: NodeJS.ProcessEnv; port?: number } = {}): Promise<VsCodeServer> {
  const install = ensureCodeServer();
  const vscodeDir = join(install, 'node_modules/code-server/lib/vscode');
  const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { version?: string };
  const vscodeVersion = readJson(join(vscodeDir, 'product.json')).version ?? '?';
  const codeServerVersion = readJson(join(install, 'node_modules/code-server/package.json')).version ?? '?';
  const port = await freePort(options.port ?? 0);
  const scratch = mkdtempSync(join(tmpdir(), 'pinscope-vscode-'));
  writeUserSettings(join(scratch, 'user'));
  const log: string[] = [];
  const server = spawn(
    process.execPath,
    [
      join(vscodeDir, 'out/server-main.js'),
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-telemetry',
      '--disable-workspace-trust',
      '--extensions-dir', join(scratch, 'exts'),
      '--user-data-dir', join(scratch, 'user'),
      '--server-data-dir', join(scratch, 'server'),
    ],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const stop = () => {
    server.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  };
  try {
    await waitForOutput(server, /listening on/i, log);
  } catch (error) {
    stop();
    throw error;
  }
  const exited = new Promise<never>((_, reject) =>
    server.once('exit', (code) => reject(new Error(`the VS Code server exited (${code}):\n${log.join('')}`))),
  );
  exited.catch(() => undefined);
  const remote = (path: string) => `vscode-remote://127.0.0.1:${port}${path}`;
  return {
    port,
    description: `VS Code server ${vscodeVersion} (code-server ${codeServerVersion})`,
    exited,
    workbenchUrl(folder, extra = []) {
      const payload = JSON.stringify([['extensionDevelopmentPath', remote(REPO_ROOT)], ...extra.map(([k, v]) => [k, remote(v)])]);
      return `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`;
    },
    stop,
  };
}
