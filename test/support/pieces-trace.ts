// Generated kprobe traces that exercise a trace read in pieces: many tasks
// taking turns, state carried over any boundary (see parallel-index.test.ts).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Deterministic numbers (a test must read the same file each run). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const t = (x: number) => x.toFixed(6).padStart(12);

/**
 * A kprobe trace of `tasks` tasks taking turns at random: trace_marker lines
 * and iovec probes before entries, pin rounds, returns (some lost, some
 * returning 0 for a non-empty request: only v0 does that, so the variant
 * is decided by the calls and the file read twice), unpins soon after and
 * some long after the return, lost-event notices, noise, unreadable lines,
 * and one task whose call stays open over a long stretch.
 */
export function generated(name: string, lines: number, tasks: number, seed: number, options: { release?: string; v0Call?: boolean } = {}): string {
  const rand = random(seed);
  const out: string[] = ['# tracer: nop', '#'];
  if (options.release) out.unshift(`# pinscope: kernel_release=${options.release} arch=x86_64`);
  type Task = { pid: number; comm: string; state: 'idle' | 'in' | 'after'; rounds: number; late: number };
  const pool: Task[] = Array.from({ length: tasks }, (_, i) => ({ pid: 200 + i, comm: ['fio', 'dd', 'workload', 'kworker/u8:1'][i % 4]!, state: 'idle', rounds: 0, late: 0 }));
  const pending: Array<{ at: number; line: string }> = [];
  let ts = 10;
  let seq = 0;
  let v0 = options.v0Call ?? false;
  const longTask = { pid: 99, comm: 'long', open: false };
  const say = (task: { pid: number; comm: string }, body: string, flags = '...1.') => out.push(`        ${task.comm}-${task.pid}     [00${task.pid % 4}] ${flags} ${t((ts += 1e-6))}: ${body}`);
  while (out.length < lines) {
    const due = pending.findIndex((p) => p.at <= out.length);
    if (due >= 0) {
      out.push(pending.splice(due, 1)[0]!.line);
      continue;
    }
    const roll = rand();
    if (roll < 0.04) {
      out.push(`          <idle>-0       [000] d..2. ${t((ts += 1e-6))}: sched_switch: prev_comm=swapper/0 prev_pid=0 next_pid=${seq}`);
      continue;
    }
    if (roll < 0.05) {
      out.push(`CPU:${seq % 4} [LOST ${1 + (seq % 9)} EVENTS]`);
      continue;
    }
    if (roll < 0.055) {
      out.push(`        broken-1 xui_entry: user_ but no prefix ${seq}`);
      continue;
    }
    if (roll < 0.065) {
      // A short-lived task: one call, then its caller's unpin long after (past the release window: late).
      const once = { pid: 5000 + seq++, comm: 'once' };
      say(once, `xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000002000 count=4096 nr_segs=1 orig_len=4096 new=0xffff888100b02de8 flags=0x0`);
      say(once, 'xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=1 orig_iov_offset=4096 orig_count=0 orig_nr_segs=1 new_count=4096 new_nr_segs=1', '.....');
      pending.push({ at: out.length + 60 + Math.floor(rand() * 300), line: `        once-${once.pid}     [00${once.pid % 4}] ...1. ${t(ts + 1e-4)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000` });
      continue;
    }
    if (roll < 0.09) {
      // The long call: opened once, pinned now and then, returned much later.
      if (!longTask.open) {
        say(longTask, 'xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001000 count=4096 nr_segs=1 orig_len=4096 new=0xffff888100b02de8 flags=0x0');
        longTask.open = true;
      } else if (rand() < 0.97) {
        say(longTask, 'pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=1 gup_flags=0x1 pages=0xffff888101f1ce38');
      } else {
        say(longTask, 'xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=1 orig_iov_offset=4096 orig_count=0 orig_nr_segs=1 new_count=4096 new_nr_segs=1', '.....');
        longTask.open = false;
      }
      continue;
    }
    const task = pool[Math.floor(rand() * pool.length)]!;
    seq++;
    if (task.state === 'idle' || (task.state === 'after' && rand() < 0.4)) {
      if (rand() < 0.3) say(task, `tracing_mark_write: pinscope: seq=${seq} op=pread64 begin`, '.....');
      const iov = rand() < 0.3;
      if (iov) say(task, 'xui_iov: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) type=1 nr_segs=2 iov0_base=0x7f4d2ecd0007 iov0_len=13 iov1_base=0x7f4d2ecbffa0 iov1_len=200');
      say(
        task,
        `xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=${iov ? 1 : 0} nofault=0 source=0 iov_offset=0 ptr=0x7f${(seq % 4096).toString(16)}001000 count=${iov ? 213 : 8192} nr_segs=${iov ? 2 : 1} orig_len=${iov ? 213 : 8192} new=0xffff888100b02de8 flags=0x0`,
      );
      task.state = 'in';
      task.rounds = 0;
    } else if (task.state === 'in') {
      const r = rand();
      if (r < 0.4 && task.rounds < 3) {
        say(task, `pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f${(seq % 4096).toString(16)}001000 nr_pages=2 gup_flags=0x1 pages=0xffff888101f1ce38`);
        say(task, 'pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=2', '.....');
        task.rounds++;
      } else if (r < 0.45) {
        // Its return is lost: the task goes on to another call (or stays quiet).
        task.state = 'idle';
      } else {
        const ret = v0 && rand() < 0.2 ? 0 : 2 * task.rounds;
        if (ret === 0 && task.rounds === 0) v0 = false;
        say(task, `xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=${ret} orig_iov_offset=0 orig_count=0 orig_nr_segs=1 new_count=${ret ? 8192 : 0} new_nr_segs=${ret}`, '.....');
        task.state = 'after';
        const unpin = `        ${task.comm}-${task.pid}     [00${task.pid % 4}] ...1. ${t(ts + 5e-6)}: unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea000425a000`;
        // Unpins right after, or long after (past the release window: counted late).
        if (rand() < 0.6) pending.push({ at: out.length + 1 + Math.floor(rand() * 6), line: unpin });
        if (rand() < 0.25) pending.push({ at: out.length + 30 + Math.floor(rand() * 400), line: unpin });
      }
    } else {
      say(task, 'unpin_page: (unpin_user_page+0x4/0x60) page=0xffffea0004099240');
    }
  }
  const path = join(tmpdir(), `pinscope-pieces-${process.pid}-${name}.trace`);
  writeFileSync(path, out.join('\n') + '\n');
  return path;
}

