// Trace generators for the benchmarks: a kprobe log in the shape Pinscope's
// recipe records (6 lines a call), dense (every line relevant) or sparse
// (noise between calls), and a test-suite shape (many short-lived tasks of
// three calls each). Written once into PINSCOPE_BENCH_DIR.
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DIR = process.env.PINSCOPE_BENCH_DIR ?? join(tmpdir(), 'pinscope-bench');
export const GiB = 1024 ** 3;

/** One call as the kprobe recipe records it: 6 lines, all relevant. */
export function callLines(pid: number, ts: number, addr: number, comm = 'workload'): string[] {
  const t = (d: number) => (ts + d / 1e6).toFixed(6).padStart(12);
  const a = '0x' + addr.toString(16);
  const page = '0x' + (addr - (addr % 4096)).toString(16);
  return [
    `        ${comm}-${pid}     [001] ...1. ${t(0)}: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=${a} count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0`,
    `        ${comm}-${pid}     [001] ...1. ${t(1)}: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=${page} nr_pages=4 gup_flags=0x1 pages=0xffff888101f1ce38`,
    `        ${comm}-${pid}     [001] ..... ${t(2)}: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4`,
    `        ${comm}-${pid}     [001] ..... ${t(3)}: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4`,
    `        ${comm}-${pid}     [001] ...1. ${t(4)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000`,
    `        ${comm}-${pid}     [001] ...1. ${t(5)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea0004099240`,
  ];
}

function noiseLine(i: number): string {
  return `          <idle>-0       [000] d..2. ${(i / 1e5).toFixed(6).padStart(12)}: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/0:1 next_pid=${i % 30000} next_prio=120`;
}

/** Writes lines from `next` (null: done) in batches. */
function write(path: string, label: string, next: () => string[] | null): void {
  mkdirSync(DIR, { recursive: true });
  process.stdout.write(`generating ${path} (${label})… `);
  const fd = openSync(path, 'w');
  let batch: string[] = [];
  const flush = () => {
    writeSync(fd, batch.join('\n') + '\n');
    batch = [];
  };
  writeSync(fd, '# tracer: nop\n#\n');
  for (let lines = next(); lines; lines = next()) {
    batch.push(...lines);
    if (batch.length >= 20000) flush();
  }
  if (batch.length) flush();
  closeSync(fd);
  process.stdout.write('done\n');
}

/** A kprobe log of about `bytes`, `relevantShare` of its lines relevant (1: dense, 7 tasks taking turns). */
export function generateLog(path: string, bytes: number, relevantShare: number): void {
  if (existsSync(path) && statSync(path).size >= bytes) return;
  let written = 0;
  let i = 0;
  write(path, `${(bytes / 2 ** 20).toFixed(0)} MiB`, () => {
    if (written >= bytes) return null;
    let lines: string[];
    if (relevantShare >= 1 || i % Math.round(6 / relevantShare) < 6) {
      lines = callLines(1000 + (i % 7), i / 1e5, 0x7f0000001100 + (i % 1000) * 4096);
      i += 6;
    } else {
      lines = [noiseLine(i)];
      i++;
    }
    written += lines.reduce((n, l) => n + l.length + 1, 0);
    return lines;
  });
}

/**
 * A test suite's shape: `calls` calls from calls/3 short-lived tasks, three
 * calls each, four tasks running at a time (their calls interleaved).
 */
export function generateTasks(path: string, calls: number): void {
  if (existsSync(path) && statSync(path).size > 0) return;
  let k = 0;
  write(path, `${calls.toLocaleString('en')} calls from ${Math.ceil(calls / 3).toLocaleString('en')} tasks`, () => {
    if (k >= calls) return null;
    // Calls k..k+11 are 4 tasks × 3 calls, round robin.
    const group = Math.floor(k / 12);
    const within = k % 12;
    const task = group * 4 + (within % 4);
    const n = k++;
    return callLines(10000 + task, n / 1e5, 0x7f0000001100 + (n % 1000) * 4096, `fio${task % 10}`);
  });
}
