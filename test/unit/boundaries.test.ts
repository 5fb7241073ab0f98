// The pure core stays pure: no vscode, no LSP libraries, no Node built-ins
// (architecture.md, "Boundaries worth keeping"). Checked on the import
// statements and by bundling the engine for a browser.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../support/fixtures';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)) {
    found.push(m[1]!);
  }
  return found;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const EDITOR_LIBRARIES = /^(vscode|vscode-languageclient|vscode-languageserver)(\/|$)/;

const PURE_LAYERS = ['engine', 'trace', 'source', 'protocol', 'record'];

describe('boundaries of the pure core', () => {
  for (const layer of PURE_LAYERS) {
    const dir = join(REPO_ROOT, 'extension', layer);
    let files: string[] = [];
    try {
      files = tsFiles(dir);
    } catch {
      // A layer not written yet has nothing to check.
    }
    for (const file of files) {
      const name = relative(REPO_ROOT, file);
      it(`${name} imports neither vscode, the LSP libraries nor Node built-ins`, () => {
        for (const spec of importsOf(file)) {
          assert.ok(!EDITOR_LIBRARIES.test(spec), `${name} imports ${spec}`);
          assert.ok(!NODE_BUILTINS.has(spec), `${name} imports the Node built-in ${spec}`);
        }
      });
    }
  }

  it('engine/ and protocol/ import only each other', () => {
    const files = [...tsFiles(join(REPO_ROOT, 'extension', 'engine')), ...tsFiles(join(REPO_ROOT, 'extension', 'protocol'))];
    for (const file of files) {
      for (const spec of importsOf(file)) {
        assert.ok(spec.startsWith('.'), `${relative(REPO_ROOT, file)} imports the package ${spec}`);
        assert.ok(!/\/(client|server|cli|node|source|trace)\//.test(spec), `${relative(REPO_ROOT, file)} imports ${spec}`);
      }
    }
  });

  it('the engine bundles for a browser with no Node shim', async () => {
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'extension/engine/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      logLevel: 'silent',
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.every((input) => input.startsWith('extension/')), inputs.join(', '));
  });

  it('the bundled check catches a Node import (the check can fail)', async () => {
    await assert.rejects(
      build({
        stdin: { contents: "import { readFileSync } from 'fs'; console.log(readFileSync);", resolveDir: REPO_ROOT },
        bundle: true,
        write: false,
        platform: 'browser',
        logLevel: 'silent',
      }),
    );
  });
});
