// Builds the VSIX with @vscode/vsce from the bundles in dist/ (no node_modules
// ship: everything is bundled) and prints its size and contents.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';

const pkg = JSON.parse(await (await import('node:fs/promises')).readFile('package.json', 'utf8'));
const out = `${pkg.name}-${pkg.version}.vsix`;
const run = spawnSync(
  process.execPath,
  ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
  { stdio: 'inherit' },
);
if (run.status !== 0) process.exit(run.status ?? 1);
const bytes = statSync(out).size;
console.log(`${out}: ${bytes} bytes (${(bytes / 1024 / 1024).toFixed(2)} MiB)`);
const list = spawnSync(process.execPath, ['node_modules/@vscode/vsce/vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' });
console.log(`contents:\n${list.stdout.trim()}`);
