// Bundles the benchmarks like the shipped code (esbuild, no test loader in
// the way) and runs them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

await build({ entryPoints: ['bench/engine.bench.ts'], outfile: 'out/bench/engine.bench.js', bundle: true, platform: 'node', format: 'cjs', target: 'es2022', logLevel: 'warning' });
const run = spawnSync(process.execPath, ['--expose-gc', 'out/bench/engine.bench.js'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
