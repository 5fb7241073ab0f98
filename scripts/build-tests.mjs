// Bundles the in-editor suite for VS Code's extension host (CommonJS, with
// `vscode` and `mocha` resolved at run time).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';

const dir = 'test/editor/suite';
rmSync('out/test/editor', { recursive: true, force: true });
await build({
  entryPoints: readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => `${dir}/${f}`),
  outdir: 'out/test/editor',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022',
  sourcemap: true,
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
