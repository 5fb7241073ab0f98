// Source index benchmarks on Debian's linux-source-6.12 (installed and
// unpacked outside the repository by scripts/ensure-linux-source.sh): the
// whole `pinscope index` command (a process, as a user runs it) against
// `rg -l -F netfs_extract_user_iter` on the same tree, interleaved in the same
// run (warm cache, medians); the index in-process; re-analysing one edited
// file; and code lenses' analysis of a 10,000-line file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexTree } from '../extension/node/source-tree';
import { loadCParserWasm } from '../extension/node/wasm-locate';
import { analyseFile, createCParser } from '../extension/source';

function seconds<T>(fn: () => T): { s: number; result: T } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { s: Number(process.hrtime.bigint() - start) / 1e9, result };
}

async function main(): Promise<void> {
  const ensure = spawnSync('bash', ['scripts/ensure-linux-source.sh', '6.12'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (ensure.status !== 0) throw new Error('linux-source-6.12 is not available');
  const tree = ensure.stdout.trim();
  const parser = await createCParser(loadCParserWasm(join(__dirname, '..', '..', 'dist')));

  const rg = () => seconds(() => spawnSync('rg', ['-l', '-F', 'netfs_extract_user_iter', tree], { encoding: 'utf8' }));
  rg(); // warm the cache for both
  await indexTree(tree, parser);
  const rgRun = rg();
  console.log(`rg -l -F netfs_extract_user_iter on linux-source-6.12: ${rgRun.s.toFixed(2)} s (${rgRun.result.stdout.trim().split('\n').length} files)`);

  // The whole command, process start to exit, alternating with ripgrep so both see the same machine.
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  const command = () => seconds(() => spawnSync(process.execPath, [cli, 'index', tree], { encoding: 'utf8' }));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rgTimes: number[] = [];
  const commandTimes: number[] = [];
  let summary = '';
  for (let round = 0; round < 7; round++) {
    rgTimes.push(rg().s);
    const run = command();
    if (run.result.status !== 0) throw new Error(`pinscope index failed: ${run.result.stderr}`);
    commandTimes.push(run.s);
    summary = run.result.stdout.trim().split('\n').pop() ?? '';
  }
  const [rgMedian, commandMedian] = [median(rgTimes), median(commandTimes)];
  console.log(
    `whole command \`pinscope index\` (${summary}): median ${commandMedian.toFixed(2)} s vs rg ${rgMedian.toFixed(2)} s over 7 alternating runs; ratio ${(commandMedian / rgMedian).toFixed(2)}× (goal ≤ 2×, then toward 1.3×)`,
  );
  for (const ripgrep of ['rg', null]) {
    await indexTree(tree, parser, { ripgrep });
    const start = process.hrtime.bigint();
    const index = await indexTree(tree, parser, { ripgrep });
    const indexSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const entries = index.files.reduce((n, f) => n + f.entries.length, 0);
    console.log(
      `  full index, ${index.prefilter} pre-filter: ${indexSeconds.toFixed(2)} s (${index.scanned.toLocaleString('en')} files read by Pinscope, ${index.parsed} parsed, ${entries} entries); ratio to the median rg ${(indexSeconds / rgMedian).toFixed(2)}×`,
    );
  }

  const iterator = readFileSync(join(tree, 'fs/netfs/iterator.c'), 'utf8');
  analyseFile(parser, iterator);
  const edit = seconds(() => analyseFile(parser, iterator.replace('ssize_t ret = 0;', 'ssize_t ret = 0; /* edited */')));
  console.log(`re-index after editing fs/netfs/iterator.c: ${(edit.s * 1000).toFixed(1)} ms (goal ≤ 50 ms)`);

  const big = Array.from({ length: 10_000 / 10 }, (_, i) =>
    [`static ssize_t f${i}(struct iov_iter *it, struct iov_iter *nw)`, '{', '\tssize_t n;', '', `\tn = netfs_extract_user_iter(it, ${i}, nw, 0);`, '\tif (n < 0)', '\t\treturn n;', '\treturn n;', '}', ''].join('\n'),
  ).join('\n');
  analyseFile(parser, big);
  const lenses = seconds(() => {
    const facts = analyseFile(parser, big);
    return facts.entries.length + facts.callers.length;
  });
  const parseOnly = seconds(() => parser.parse(big).delete());
  console.log(`code lenses on a 10,000-line file (1,000 calls): first analysis (parse + symbols + caller facts) ${(lenses.s * 1000).toFixed(1)} ms, of which the parse ${(parseOnly.s * 1000).toFixed(1)} ms (goal ≤ 30 ms)`);
}

void main();
