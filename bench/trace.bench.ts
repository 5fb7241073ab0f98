// Trace ingestion benchmarks: parse + reconstruct of a generated 1 GiB ftrace
// log with about 2% relevant lines, and of a 256 MiB log where every line is a
// relevant kprobe event, each against `grep -c -F netfs_extract_user_iter` on
// the same file in the same run. Prints times, ratios, events/s and peak memory.
// The logs are generated once into the OS temp folder (PINSCOPE_BENCH_DIR, see generate.ts).
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { readTraceFile } from '../extension/node/trace-file';
import { DIR, generateLog, GiB } from './generate';

function grepSeconds(path: string): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const run = spawnSync('grep', ['-c', '-F', 'netfs_extract_user_iter', path], { encoding: 'utf8' });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, count: Number(run.stdout.trim()) };
}

async function measure(label: string, path: string): Promise<void> {
  grepSeconds(path); // warm the page cache for both
  const grep = grepSeconds(path);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  let calls = 0;
  const start = process.hrtime.bigint();
  const summary = await readTraceFile(path, { onCall: () => calls++ });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const events = calls * 6;
  const size = statSync(path).size;
  console.log(`\n${label}: ${(size / 2 ** 20).toFixed(0)} MiB, ${summary.lines.toLocaleString('en')} lines, ${calls.toLocaleString('en')} calls (grep counted ${grep.count.toLocaleString('en')} lines)`);
  console.log(`  pinscope parse + reconstruct: ${seconds.toFixed(2)} s, ${(size / 2 ** 20 / seconds).toFixed(0)} MiB/s, ${Math.round(events / seconds).toLocaleString('en')} events/s`);
  console.log(`  grep -c -F netfs_extract_user_iter: ${grep.seconds.toFixed(2)} s; ratio ${(seconds / grep.seconds).toFixed(1)}×`);
  console.log(`  peak RSS while reading ${(peak / 2 ** 20).toFixed(0)} MiB (sampled every 20 ms; the whole Node process, ${(rssBefore / 2 ** 20).toFixed(0)} MiB before)`);
}

async function main(): Promise<void> {
  const sparse = join(DIR, 'sparse-1g.trace');
  const dense = join(DIR, 'dense-256m.trace');
  generateLog(sparse, Number(process.env.PINSCOPE_BENCH_SPARSE_BYTES ?? GiB), 0.02);
  generateLog(dense, Number(process.env.PINSCOPE_BENCH_DENSE_BYTES ?? GiB / 4), 1);
  global.gc?.();
  await measure('sparse ftrace log (~2% relevant)', sparse);
  await measure('dense kprobe log (every line relevant)', dense);
  console.log('\ngoals: ≤ 2× grep on the sparse log, ≥ 1M events/s on the dense one, peak memory ≤ 150 MiB on both');
}

void main();
