// Trace ingestion benchmarks: parse + reconstruct of a generated 1 GiB ftrace
// log with about 2% relevant lines, and of a 256 MiB log where every line is a
// relevant kprobe event, each against `grep -c -F netfs_extract_user_iter` on
// the same file in the same run. Prints times, ratios, events/s and peak memory.
// The logs are generated once into the OS temp folder (PINSCOPE_BENCH_DIR).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile } from '../extension/node/trace-file';

const DIR = process.env.PINSCOPE_BENCH_DIR ?? join(tmpdir(), 'pinscope-bench');
const GiB = 1024 ** 3;

/** One call as the kprobe recipe records it: 6 lines, all relevant. */
function callLines(pid: number, ts: number, addr: number): string[] {
  const t = (d: number) => (ts + d / 1e6).toFixed(6).padStart(12);
  const a = '0x' + addr.toString(16);
  const page = '0x' + (addr - (addr % 4096)).toString(16);
  return [
    `        workload-${pid}     [001] ...1. ${t(0)}: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=${a} count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0`,
    `        workload-${pid}     [001] ...1. ${t(1)}: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=${page} nr_pages=4 gup_flags=0x1 pages=0xffff888101f1ce38`,
    `        workload-${pid}     [001] ..... ${t(2)}: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4`,
    `        workload-${pid}     [001] ..... ${t(3)}: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4`,
    `        workload-${pid}     [001] ...1. ${t(4)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000`,
    `        workload-${pid}     [001] ...1. ${t(5)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea0004099240`,
  ];
}

function noiseLine(i: number): string {
  return `          <idle>-0       [000] d..2. ${(i / 1e5).toFixed(6).padStart(12)}: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/0:1 next_pid=${i % 30000} next_prio=120`;
}

function generate(path: string, bytes: number, relevantShare: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  mkdirSync(DIR, { recursive: true });
  process.stdout.write(`generating ${path} (${(bytes / 2 ** 20).toFixed(0)} MiB)… `);
  const fd = openSync(path, 'w');
  let written = 0;
  let i = 0;
  let batch: string[] = [];
  const flush = () => {
    const text = batch.join('\n') + '\n';
    written += writeSync(fd, text);
    batch = [];
  };
  writeSync(fd, '# tracer: nop\n#\n');
  while (written < bytes) {
    // A call is 6 lines: emit one for every (6 / share - 6) noise lines.
    if (relevantShare >= 1 || i % Math.round(6 / relevantShare) < 6) {
      if (i % 6 === 0 || relevantShare < 1) batch.push(...callLines(1000 + (i % 7), i / 1e5, 0x7f0000001100 + (i % 1000) * 4096));
      i += relevantShare < 1 ? 6 : 6;
    } else {
      batch.push(noiseLine(i));
      i++;
    }
    if (batch.length >= 20000) flush();
  }
  flush();
  closeSync(fd);
  process.stdout.write('done\n');
}

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
  generate(sparse, Number(process.env.PINSCOPE_BENCH_SPARSE_BYTES ?? GiB), 0.02);
  generate(dense, Number(process.env.PINSCOPE_BENCH_DENSE_BYTES ?? GiB / 4), 1);
  global.gc?.();
  await measure('sparse ftrace log (~2% relevant)', sparse);
  await measure('dense kprobe log (every line relevant)', dense);
  console.log('\ngoals: ≤ 2× grep on the sparse log, ≥ 1M events/s on the dense one, peak memory ≤ 150 MiB on both');
}

void main();
