// Reads the tree-sitter WASM files. In the bundle they sit beside the built
// JS (esbuild.mjs copies them); run from sources they come from node_modules.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CParserWasm } from '../source/parser';

function locate(file: string, packageName: string, besideDir: string): string {
  const beside = join(besideDir, file);
  return existsSync(beside) ? beside : require.resolve(`${packageName}/${file}`);
}

export function loadCParserWasm(besideDir: string = __dirname): CParserWasm {
  return {
    runtime: readFileSync(locate('tree-sitter.wasm', 'web-tree-sitter', besideDir)),
    grammar: readFileSync(locate('tree-sitter-c.wasm', 'tree-sitter-c', besideDir)),
  };
}
