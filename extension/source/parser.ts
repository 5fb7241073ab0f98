// A C parser on web-tree-sitter and the tree-sitter-c grammar. The WASM bytes
// are handed in by the shell (extension/node/wasm-locate.ts), so this module
// never touches the file system.
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';

export interface CParserWasm {
  /** web-tree-sitter's runtime (tree-sitter.wasm). */
  readonly runtime: Uint8Array;
  /** The C grammar (tree-sitter-c.wasm). */
  readonly grammar: Uint8Array;
}

export interface CParser {
  /** With oldTree (already told of the edit by tree.edit), tree-sitter reparses only what changed. */
  parse(text: string, oldTree?: Tree): Tree;
  /** A tree-sitter query over the C grammar (compiled once per source text). */
  query(source: string): Query;
}

let runtimeReady: Promise<void> | undefined;

export async function createCParser(wasm: CParserWasm): Promise<CParser> {
  // The runtime is one module per process: initialise it once.
  // Emscripten takes the module bytes as `wasmBinary`; every other option keeps its default.
  const moduleOptions = { wasmBinary: wasm.runtime.slice().buffer };
  runtimeReady ??= Parser.init(moduleOptions as unknown as Parameters<typeof Parser.init>[0]);
  await runtimeReady;
  const language = await Language.load(wasm.grammar);
  const parser = new Parser();
  parser.setLanguage(language);
  const queries = new Map<string, Query>();
  return {
    parse(text: string, oldTree?: Tree): Tree {
      const tree = parser.parse(text, oldTree ?? null);
      if (!tree) throw new Error('tree-sitter returned no tree');
      return tree;
    },
    query(source: string): Query {
      let query = queries.get(source);
      if (!query) {
        query = new Query(language, source);
        queries.set(source, query);
      }
      return query;
    },
  };
}
