// `pinscope index DIR`: every definition, declaration and call of
// netfs_extract_user_iter and its helpers in a source tree.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { indexTree } from '../node/source-tree';
import { loadCParserWasm } from '../node/wasm-locate';
import { createCParser } from '../source';
import { printable, printableJson } from '../trace/printable';
import { UsageError } from './replay-command';

export async function indexCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { json: { type: 'boolean', default: false }, exclude: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1) throw new UsageError('index: give exactly one DIR');
  const dir = positionals[0]!;
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    process.stderr.write(`pinscope: cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 2;
  }
  const start = Date.now();
  // ripgrep on PATH pre-filters when present (otherwise Node reads every
  // file); it starts searching while the parser's WASM is still compiling.
  const parser = createCParser(loadCParserWasm());
  const index = await indexTree(dir, parser, { ripgrep: 'rg', ...(values.exclude ? { exclude: values.exclude } : {}) });
  // Left out or read with a caveat: on stderr, so stdout stays the index. A
  // file's name is any bytes but / and NUL, so every path is written printable.
  for (const notice of index.skipped) process.stderr.write(printable(`pinscope: skipped ${join(dir, notice.path)}: ${notice.reason}`) + '\n');
  for (const notice of index.warnings) process.stderr.write(printable(`pinscope: note ${join(dir, notice.path)}: ${notice.reason}`) + '\n');
  const entries = index.files.flatMap((file) =>
    file.entries.map((e) => ({
      symbol: e.symbol,
      kind: e.kind,
      path: file.path,
      line: e.line + 1,
      col: e.col + 1,
      ...(e.kind === 'call' ? { function: e.function } : {}),
      ...(e.fingerprint ? { variant: e.fingerprint.variant, ...(e.fingerprint.nearest ? { nearest: e.fingerprint.nearest } : {}) } : {}),
      ...(e.disabled ? { disabled: true } : {}),
    })),
  );
  if (values.json) {
    const removed = index.files.filter((f) => f.removedEra).map((f) => f.path);
    const notices = { skipped: index.skipped, warnings: index.warnings };
    process.stdout.write(printableJson(JSON.stringify({ entries, ...(removed.length ? { removed } : {}), scanned: index.scanned, parsed: index.parsed, ...notices }, null, 2)) + '\n');
  } else {
    for (const e of entries) {
      const extra = e.kind === 'call' ? ` in ${e.function ?? '(file scope)'}` : 'variant' in e ? ` (${e.variant})` : '';
      process.stdout.write(printable(`${e.path}:${e.line}:${e.col}: ${e.kind} of ${e.symbol}${extra}`) + '\n');
    }
    const left = index.skipped.length ? `, ${index.skipped.length} skipped (named on stderr)` : '';
    process.stdout.write(`${entries.length} entries; ${index.scanned} C files read, ${index.parsed} parsed${left}, ${Date.now() - start} ms\n`);
  }
  return 0;
}
