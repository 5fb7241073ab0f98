// The main job on the bundled sample: the engine on the command line, then
// Pinscope in a VS Code on samples/kernel. Desktop VS Code when `code` is on
// PATH with a display; otherwise the VS Code server, whose URL is printed.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, startVsCodeServer } from './vscode-server-host';

const WORKSPACE = join(REPO_ROOT, 'samples/kernel');

function cli(...args: string[]): void {
  console.log(`$ pinscope ${args.join(' ')}`);
  spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), ...args], { stdio: 'inherit' });
  console.log('');
}

function hasDesktopVsCode(): boolean {
  const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  return Boolean(display) && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  cli('simulate', '--ubuf', '0x7f0000001100:0x3000', '--dir', 'read');
  cli('simulate', '--ubuf', '0x7f0000001100:0x3000', '--variant', 'v0', '--unmapped', '0x7f0000001000:0x1000');
  // The bundled trace: the kernel that recorded it behaves as v3, not as v0.
  cli('replay', join(REPO_ROOT, 'samples/traces/direct-io.trace'));
  cli('replay', join(REPO_ROOT, 'samples/traces/direct-io.trace'), '--variant', 'v0');

  if (hasDesktopVsCode()) {
    console.log('Opening samples/kernel in VS Code desktop with Pinscope under development…');
    spawn('code', ['--extensionDevelopmentPath', REPO_ROOT, WORKSPACE], { stdio: 'inherit', detached: true }).unref();
    return;
  }
  const port = Number(process.env.PINSCOPE_DEMO_PORT ?? 8123);
  const server = await startVsCodeServer({ port });
  console.log(`Pinscope is running in ${server.description} on samples/kernel.`);
  console.log('Open this URL in a browser on this machine (Ctrl-C here stops it):\n');
  console.log(`  ${server.workbenchUrl(WORKSPACE)}\n`);
  console.log('Then open fs/netfs/direct_read.c and click the "Pinscope: replay" lens above the call.');
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await server.exited.catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}

void main();
