// The real tree-sitter C parser, loaded once for all tests in a process.
import { loadCParserWasm } from '../../extension/node/wasm-locate';
import { createCParser, type CParser } from '../../extension/source';

let parser: Promise<CParser> | undefined;

export function testCParser(): Promise<CParser> {
  // No dist/ needed: the WASM files are found in node_modules.
  parser ??= createCParser(loadCParserWasm('/nonexistent'));
  return parser;
}
