// A trace's index read in pieces (node/trace-pieces.ts) is exactly the index
// one reading of the whole file gives: every column, every summary field,
// the variant decision, with the pieces' boundaries forced at many places
// (inside calls, between an entry and its return, between a marker or an
// iovec probe and its entry) in real kernel traces and in generated ones.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadTraceIndex, type IndexLoadResult } from '../../../extension/node/trace-index-load';
import { inThreadPieces } from '../../../extension/node/trace-pieces';
import { FIXTURES } from '../../support/fixtures';
import { generated, random } from '../../support/pieces-trace';

interface Case {
  readonly path: string;
  readonly releaseLines?: number;
}

async function whole(c: Case): Promise<IndexLoadResult> {
  return loadTraceIndex({ path: c.path, kernel: null, variant: 'auto', format: 'auto', ...(c.releaseLines !== undefined ? { releaseLines: c.releaseLines } : {}) });
}

async function inPieces(c: Case, at: number[]): Promise<IndexLoadResult> {
  return loadTraceIndex({
    path: c.path,
    kernel: null,
    variant: 'auto',
    format: 'auto',
    ...(c.releaseLines !== undefined ? { releaseLines: c.releaseLines } : {}),
    parallel: { pieces: at.length + 1, minBytes: 0, run: inThreadPieces, at },
  });
}

/** The first row where a column differs, said briefly (a whole column diff is unreadable). */
function columnDifference(a: IndexLoadResult['columns'], b: IndexLoadResult['columns']): string | null {
  for (const key of Object.keys(b) as Array<keyof typeof b>) {
    const x = a[key] as unknown;
    const y = b[key] as unknown;
    if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) {
      const xs = x as unknown as ArrayLike<number>;
      const ys = y as unknown as ArrayLike<number>;
      if (xs.length !== ys.length) return `${key}: ${xs.length} rows, whole reading ${ys.length}`;
      for (let i = 0; i < ys.length; i++) if (!Object.is(xs[i], ys[i])) return `${key}[${i}]: ${xs[i]}, whole reading ${ys[i]} (line ${b.line[i]})`;
    } else {
      try {
        assert.deepStrictEqual(x, y);
      } catch {
        return `${key}: ${JSON.stringify(x).slice(0, 300)}, whole reading ${JSON.stringify(y).slice(0, 300)}`;
      }
    }
  }
  return null;
}

function same(parallel: IndexLoadResult, serial: IndexLoadResult, where: string): void {
  const diff = columnDifference(parallel.columns, serial.columns);
  assert.equal(diff, null, `boundaries at ${where}: ${diff}`);
  assert.deepStrictEqual(parallel.summary, serial.summary, `summary, boundaries at ${where}`);
  assert.deepStrictEqual(parallel.decision, serial.decision, `decision, boundaries at ${where}`);
  assert.equal(parallel.kernel, serial.kernel);
}

/**
 * Boundaries at `count` spread positions (one piece boundary each), and
 * `sets` random sets of two and three: the byte positions are rounded on to
 * a line's start by the reader of the pieces.
 */
function boundarySets(size: number, count: number, sets: number, rand: () => number): number[][] {
  const out: number[][] = [];
  for (let i = 1; i <= count; i++) out.push([Math.floor((size * i) / (count + 1))]);
  for (let i = 0; i < sets; i++) {
    const n = 2 + (i % 2);
    out.push(Array.from({ length: n }, () => Math.floor(rand() * size)).sort((a, b) => a - b));
  }
  return out;
}

/** Builds where a piece read on over the next one's whole range (so that one's reading went unused), over all checks. */
let tookNext = 0;

/** Checks every boundary set; returns how many of the builds kept more than one piece's reading. */
async function check(c: Case, sets: number[][]): Promise<number> {
  let serial: IndexLoadResult;
  try {
    serial = await whole(c);
  } catch (error) {
    // Not a trace one reading accepts: read in pieces, the same error.
    for (const at of sets.slice(0, 5)) await assert.rejects(inPieces(c, at), { message: (error as Error).message });
    return 0;
  }
  let split = 0;
  for (const at of sets) {
    const parallel = await inPieces(c, at);
    same(parallel, serial, at.join(', '));
    if (parallel.pieces.kept > 1) split++;
    if (parallel.pieces.kept > 1 && parallel.pieces.kept < parallel.pieces.read) tookNext++;
  }
  return split;
}

describe('trace: an index read in pieces', () => {
  const fixtureTraces = (): string[] => {
    const dir = join(FIXTURES, 'kernel-traces');
    const files: string[] = [];
    for (const format of readdirSync(dir)) {
      if (!statSync(join(dir, format)).isDirectory()) continue;
      for (const f of readdirSync(join(dir, format))) if (/\.(trace\.txt|bt\.txt|report\.txt)$/.test(f)) files.push(join(dir, format, f));
    }
    return [...files, join(FIXTURES, 'recorded', 'dd-kprobe.trace')];
  };

  it('every text fixture, boundaries forced at 80 places and in 30 random sets of 2 or 3: the same index as one reading', async function () {
    // Thousands of builds (a few seconds idle, much more on a busy machine).
    this.timeout(300_000);
    const rand = random(11);
    const files = fixtureTraces();
    assert.ok(files.length >= 25, `${files.length} fixtures`);
    const merged: string[] = [];
    for (const path of files) {
      const sets = boundarySets(statSync(path).size, 80, 30, rand);
      const split = await check({ path }, sets);
      if (split > sets.length / 4) merged.push(path);
    }
    // Pieces were really merged (not read whole) in every format that splits (function_graph text is read whole, and so are these trace-cmd reports, which hold function_graph events).
    for (const format of ['kprobe', 'fprobe', 'function', 'bpftrace', 'bpftrace_json', 'recorded']) {
      assert.ok(merged.some((p) => p.includes(`/${format}/`)), `a ${format} fixture read in merged pieces (${merged.length} fixtures were)`);
    }
  });

  for (const [name, lines, tasks, options] of [
    ['many-tasks', 6000, 40, {}],
    ['few-tasks-v0', 5000, 3, { v0Call: true }],
    ['release', 5000, 12, { release: '6.8.0-45-generic' }],
    ['one-task', 3000, 1, {}],
  ] as const) {
    it(`a generated trace (${name}: ${tasks} tasks, markers, iovec probes, lost returns, late unpins, lost notices, a long open call), release window 40 and the default: the same index`, async function () {
      this.timeout(300_000);
      const path = generated(name, lines, tasks, lines + tasks, options);
      const rand = random(tasks);
      const size = statSync(path).size;
      const short = await check({ path, releaseLines: 40 }, boundarySets(size, 50, 24, rand));
      assert.ok(short > 37, `${short} of 74 builds merged pieces`);
      const serial = await whole({ path, releaseLines: 40 });
      assert.ok(serial.summary.late > 0 && serial.summary.lost.length > 0 && serial.summary.skipped.lines > 0, 'late lines, lost notices and skipped lines are there to merge');
      if (name === 'few-tasks-v0') assert.equal(serial.decision.variant, 'v0', 'the calls chose v0: the pieces were read twice');
      await check({ path }, boundarySets(size, 12, 8, rand));
    });
  }

  it('among those builds, pieces that read on over the whole next range (a call open across it) were merged too', () => {
    assert.ok(tookNext > 0, `${tookNext} builds`);
  });
});
