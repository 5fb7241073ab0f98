// A trace in the shape a direct-I/O test run leaves (many short-lived
// processes, a few at a time), made from the real kprobe traces of the test
// fixtures: each task replays one of them under its own pid and start time,
// their lines merged by time. Some tasks never unpin (their pins stay
// outstanding) and some calls return one bvec more than they made (mismatches),
// so the overview has something to show. Deterministic: the same file each time.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KERNEL_TRACES } from './kernel-traces';

const SCENARIOS = ['aligned', 'unaligned', 'iovec', 'efault'] as const;
const COMMS = ['xfs_io', 'fio', 'dd', 'fsx'] as const;
/** Every LEAK-th task drops its unpin lines; every MISMATCH-th task has one call return a bvec more than it made. */
const LEAK = 9;
const MISMATCH = 7;

/** The kernel the fixtures were recorded on, as the recipes put it on top: the variant (v3) is the release's. */
const RELEASE = '# pinscope: kernel_release=6.12.117+deb12-amd64 arch=x86_64';
/** Long-running tasks (fsx-like) that repeat their scenario for the whole run, every REPEAT_S. */
const LONG = 3;
const REPEAT_S = 0.04;
/** A short task's calls spread this many times wider than in its fixture, so a few dozen overlap. */
const STRETCH = 5;

export interface TestRunTrace {
  readonly calls: number;
  readonly tasks: number;
  /** Calls whose kernel return was changed: each replays to a mismatch. */
  readonly mismatches: number;
}

/** One fixture's lines (no header), each with its time. */
function scenario(name: string): { text: string; ts: number }[] {
  return readFileSync(join(KERNEL_TRACES, `kprobe/${name}.trace.txt`), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((text) => ({ text, ts: Number(/\s(\d+\.\d+):\s/.exec(text)![1]) }));
}

/** Writes `tasks` tasks (LONG of them for the whole run, a new short one every `everyS` seconds) to `path`. */
export function writeTestRunTrace(path: string, tasks = 400, everyS = 0.004): TestRunTrace {
  const sources = SCENARIOS.map(scenario);
  const out: { text: string; ts: number }[] = [];
  let calls = 0;
  let mismatches = 0;
  const run = tasks * everyS;
  /** Task `t`'s copy of fixture `lines` from `start`, its times `stretch` times apart. */
  const emit = (t: number, lines: { text: string; ts: number }[], start: number, stretch: number, mismatch: boolean) => {
    const pid = 2000 + t;
    const comm = t < LONG ? 'fsx' : COMMS[Math.floor(t / SCENARIOS.length) % COMMS.length]!;
    const cpu = String(t % 2).padStart(3, '0');
    let mutated = !mismatch;
    for (const { text, ts } of lines) {
      if (t % LEAK === LEAK - 1 && /: unpin_page: /.test(text)) continue;
      const time = start + (ts - lines[0]!.ts) * stretch;
      let line = text
        .replace(/^\s*\S+-\d+\s+\[\d+\]/, `${`${comm}-${pid}`.padStart(16)}     [${cpu}]`)
        .replace(/\s\d+\.\d+:\s/, ` ${time.toFixed(6).padStart(12)}: `)
        .replace(/ pid=\d+ /, ` pid=${pid} `);
      if (/: xui_entry: /.test(line)) calls++;
      // A kernel return one bvec more than the call made.
      const ret = /: xui_exit: .* ret=(\d+) /.exec(line);
      if (!mutated && ret && Number(ret[1]) > 0) {
        line = line.replace(/ ret=\d+ /, ` ret=${Number(ret[1]) + 1} `);
        mutated = true;
        mismatches++;
      }
      out.push({ text: line, ts: time });
    }
  };
  for (let t = 0; t < tasks; t++) {
    const lines = sources[t % sources.length]!;
    const mismatch = t % MISMATCH === MISMATCH - 1;
    if (t < LONG) for (let k = 0; k * REPEAT_S < run; k++) emit(t, lines, 100 + t * 0.01 + k * REPEAT_S, 1, mismatch && k % 10 === 5);
    else emit(t, lines, 100 + (t - LONG) * everyS, STRETCH, mismatch);
  }
  out.sort((a, b) => a.ts - b.ts);
  writeFileSync(path, [RELEASE, '# tracer: nop', '#', ...out.map((l) => l.text)].join('\n') + '\n');
  return { calls, tasks, mismatches };
}
