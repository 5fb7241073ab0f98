// Bundles the entry points (extension host, server and its trace worker, CLI, webview) and copies the tree-sitter WASM files beside
// them. `--minify` for release builds (vscode:prepublish, npm run package).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { importMetaShim } from './scripts/esbuild-shims.mjs';

const require = createRequire(import.meta.url);
const minify = process.argv.includes('--minify');
const common = { bundle: true, minify, sourcemap: !minify, logLevel: 'warning', target: 'es2022' };


rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

await Promise.all([
  build({ ...common, entryPoints: ['extension/client/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] }),
  build({ ...common, ...importMetaShim, entryPoints: ['extension/server/main.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs' }),
  build({ ...common, ...importMetaShim, entryPoints: ['extension/server/trace-worker.ts'], outfile: 'dist/trace-worker.js', platform: 'node', format: 'cjs' }),
  build({
    ...common,
    ...importMetaShim,
    entryPoints: ['extension/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node\n' + importMetaShim.banner.js },
  }),
  build({ ...common, entryPoints: ['webview/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife' }),
]);
// The stylesheet with the codicon font beside it (served from dist/ like the script).
await build({ ...common, sourcemap: false, entryPoints: ['webview/styles/index.css'], outfile: 'dist/webview.css', loader: { '.ttf': 'file' }, assetNames: '[name]' });
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), 'dist/tree-sitter.wasm');
copyFileSync(require.resolve('tree-sitter-c/tree-sitter-c.wasm'), 'dist/tree-sitter-c.wasm');
