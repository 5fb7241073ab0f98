// Bundles the benchmarks like the shipped code (esbuild, no test loader in
// the way) and runs them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { importMetaShim } from './esbuild-shims.mjs';

const benches = ['engine', 'trace', 'tracedat', 'scale', 'source', 'editing', 'webview', 'editor-ui', 'record'];
// The webview bench loads the built bundle.
const built = spawnSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
if (built.status !== 0) process.exit(1);
const only = process.argv[2];
let failed = 0;
for (const name of benches.filter((b) => !only || b === only)) {
  if (name === 'editor-ui') {
    // Drives the VS Code server, whose host script finds the repository from its own place: run from source.
    console.log(`\n=== ${name}`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.bench.ts`], { stdio: 'inherit' });
    if (run.status !== 0) failed++;
    continue;
  }
  await build({
    ...importMetaShim,
    entryPoints: [`bench/${name}.bench.ts`],
    outfile: `out/bench/${name}.bench.js`,
    bundle: true,
    platform: 'node',
    external: ['playwright-core', 'esbuild'],
    format: 'cjs',
    target: 'es2022',
    logLevel: 'warning',
  });
  console.log(`\n=== ${name}`);
  const run = spawnSync(process.execPath, ['--expose-gc', `out/bench/${name}.bench.js`], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
