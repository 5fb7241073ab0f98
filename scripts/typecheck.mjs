// Type-checks each layer under its own tsconfig: the pure layers compile with
// `types: []` and no DOM, so a Node or vscode import there fails here.
import { spawnSync } from 'node:child_process';

const projects = [
  'extension/engine/tsconfig.json',
  'extension/protocol/tsconfig.json',
  'extension/source/tsconfig.json',
  'extension/trace/tsconfig.json',
  'extension/record/tsconfig.json',
  'webview/tsconfig.json',
  'tsconfig.shells.json',
  'test/tsconfig.json',
  'bench/tsconfig.json',
];
let failed = 0;
for (const project of projects) {
  const run = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`typecheck: ${project} failed`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
