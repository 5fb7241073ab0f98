// The indexes of a trace's pieces (trace-piece.ts), read in parallel, into
// the one index a single reading of the whole file gives: rows in start order
// (a piece's calls past its range go between the next piece's, by rank; the
// next piece's own readings of them are dropped), line numbers offset by the
// lines of the pieces before, tasks and strings renumbered (canonicalIds),
// late lines, lost notices and skipped lines added up.
import type { VariantId } from '../protocol/dto';
import type { SkippedLine } from './events';
import { canonicalIds, Strings, taskIdentity, type IndexColumns } from './index-columns';
import type { TraceFacts, TraceSummary } from './reader';
import type { PieceEnd } from './trace-piece';
import { VariantInference, type CallEvidence } from './variant-inference';

/** One piece's reading: its columns (tasks and strings numbered as added), each row's evidence, and its end. */
export interface PieceIndex {
  readonly columns: IndexColumns;
  /** Per row: 0, or 1 + the index in `rules` of what the call says about the variant. */
  readonly evidence: Uint16Array;
  readonly rules: readonly CallEvidence[];
  readonly end: PieceEnd;
}

export interface MergedIndex extends Pick<TraceSummary, 'lines' | 'late' | 'lost' | 'skipped'> {
  readonly columns: IndexColumns;
  readonly facts: TraceFacts;
  /** The evidence of the calls kept, as one reading would have gathered it. */
  readonly inference: VariantInference;
  /** How many pieces' readings were used. */
  readonly kept: number;
}

type Column = Exclude<{ [K in keyof IndexColumns]: IndexColumns[K] extends ArrayBufferView ? K : never }[keyof IndexColumns], 'taskPid' | 'taskComm' | 'lateUnpinTs'>;

const COPIED: readonly Column[] = [
  'spanStart', 'spanBytes', 'spanLead', 'lastDelta', 'cpu', 'entryTs', 'durationUs', 'tailS', 'shape', 'bytes', 'pages',
  'rounds', 'unpins', 'observedRet', 'predictedRet', 'verdict', 'anomalies',
];

/** The pieces whose reading is kept, in file order: a piece whose range took the next ones in makes those skipped. */
export function keptPieces(ends: readonly Pick<PieceEnd, 'next'>[]): number[] {
  const chain: number[] = [];
  for (let k = 0; k < ends.length; k = k + 1 + ends[k]!.next) chain.push(k);
  return chain;
}

/**
 * Merges the pieces in file order (`pieces[k]` starts at the k-th boundary;
 * a piece whose range took the next ones in makes those skipped). `forced`
 * is the variant asked for (null: auto), for the evidence.
 */
export function mergePieces(pieces: readonly PieceIndex[], forced: VariantId | null, skippedExamples = 5): MergedIndex {
  // The pieces whose reading is kept, in order.
  const chain = keptPieces(pieces.map((p) => p.end));
  const pieceOf: number[] = [];
  const rowOf: number[] = [];
  const unpinFrom: number[] = [];
  const unpinAt: number[] = [];
  const emit = (piece: number, row: number) => {
    pieceOf.push(piece);
    rowOf.push(row);
  };
  const emitUnpin = (piece: number, i: number) => {
    unpinFrom.push(piece);
    unpinAt.push(i);
  };
  let late = 0;
  chain.forEach((k, c) => {
    const piece = pieces[k]!;
    const end = piece.end;
    const prevK = c > 0 ? chain[c - 1]! : -1;
    const prev = prevK >= 0 ? pieces[prevK]! : null;
    // This piece's rows in its range, with the calls the piece before took past it, by rank.
    const drop = new Set(prev ? prev.end.drop : []);
    let j = 0;
    const past = prev ? prev.end.rows - prev.end.pre : 0;
    for (let r = 0; r < end.pre; r++) {
      while (j < past && prev!.end.ranks[j]! <= r) emit(prevK, prev!.end.pre + j++);
      if (!drop.has(r)) emit(k, r);
    }
    while (j < past) emit(prevK, prev!.end.pre + j++);
    // Late unpins the same way.
    const dropUnpins = new Set(prev ? prev.end.dropUnpins : []);
    const prevPast = prev ? prev.columns.lateUnpinTs.length - prev.end.preUnpins : 0;
    let u = 0;
    for (let i = 0; i < end.preUnpins; i++) {
      while (u < prevPast && prev!.end.unpinRanks[u]! <= i) emitUnpin(prevK, prev!.end.preUnpins + u++);
      if (!dropUnpins.has(i)) emitUnpin(k, i);
    }
    while (u < prevPast) emitUnpin(prevK, prev!.end.preUnpins + u++);
    late += piece.columns.lateLines - (prev ? prev.end.dropLate : 0);
  });
  // Line offsets: the lines of the kept pieces before.
  const offset = new Map<number, number>();
  let lines = 0;
  for (const k of chain) {
    offset.set(k, lines);
    lines += pieces[k]!.end.lines;
  }
  const count = pieceOf.length;
  const first = pieces[0]!.columns;
  const out = {} as Record<Column, ArrayBufferView & { [i: number]: number }>;
  for (const key of [...COPIED, 'line', 'task', 'caller'] as Column[]) out[key] = new (first[key].constructor as new (n: number) => ArrayBufferView & { [i: number]: number })(count);
  // Tasks by what the builder tells them apart by (pid, or the CPU without one; and the comm), strings by their text.
  const taskIds = new Map<string, number>();
  const taskPid: number[] = [];
  const taskComm: number[] = [];
  const strings = new Strings();
  const inference = new VariantInference(forced, pieces[0]!.end.facts.kernelRelease);
  // Per piece: its tasks' and strings' ids here (-1: not seen yet).
  const taskTo = pieces.map((p) => new Int32Array(p.columns.taskPid.length).fill(-1));
  const stringTo = pieces.map((p) => new Int32Array(p.columns.strings.length).fill(-1));
  const localString = (k: number, id: number): number => {
    if (id === 0) return 0;
    const to = stringTo[k]!;
    if (to[id]! < 0) to[id] = strings.id(pieces[k]!.columns.strings[id]!);
    return to[id]!;
  };
  // Rows come in runs from one piece: the plain columns are copied a run at a time.
  for (let i = 0; i < count; ) {
    const k = pieceOf[i]!;
    const from = rowOf[i]!;
    let n = 1;
    while (i + n < count && pieceOf[i + n] === k && rowOf[i + n] === from + n) n++;
    const c = pieces[k]!.columns;
    for (const key of COPIED) (out[key] as unknown as { set(a: ArrayLike<number>, at: number): void }).set((c[key] as unknown as { subarray(a: number, b: number): ArrayLike<number> }).subarray(from, from + n), i);
    const lineOffset = offset.get(k)!;
    const evidence = pieces[k]!.evidence;
    const rules = pieces[k]!.rules;
    const tasks = taskTo[k]!;
    for (let j = 0; j < n; j++) {
      const r = from + j;
      const line = c.line[r]! + lineOffset;
      out.line[i + j] = line;
      const t = c.task[r]!;
      if (tasks[t]! < 0) {
        const pid = c.taskPid[t]!;
        const comm = c.taskComm[t]! ? c.strings[c.taskComm[t]!]! : null;
        // The builder's own key (a task without a pid is its CPU, the same for every call of it); -1 in the columns is none.
        const key = taskIdentity(pid >= 0 ? pid : null, c.cpu[r]! >= 0 ? c.cpu[r]! : null, comm);
        let task = taskIds.get(key);
        if (task === undefined) {
          task = taskPid.length;
          taskPid.push(pid);
          taskComm.push(localString(k, c.taskComm[t]!));
          taskIds.set(key, task);
        }
        tasks[t] = task;
      }
      out.task[i + j] = tasks[t]!;
      out.caller[i + j] = localString(k, c.caller[r]!);
      const e = evidence[r]!;
      if (e) inference.observe(rules[e - 1]!, line);
    }
    i += n;
  }
  const lateUnpinTs = new Float64Array(unpinAt.length);
  for (let i = 0; i < unpinAt.length; i++) lateUnpinTs[i] = pieces[unpinFrom[i]!]!.columns.lateUnpinTs[unpinAt[i]!]!;
  let pinRounds = false;
  let unpins = lateUnpinTs.length > 0;
  for (let i = 0; i < count; i++) {
    if ((out.verdict[i]! & 4) !== 0) pinRounds = true;
    if (out.unpins[i]! > 0) unpins = true;
  }
  const columns = canonicalIds({
    ...(out as unknown as Pick<IndexColumns, Column>),
    count,
    taskPid: Int32Array.from(taskPid),
    taskComm: Uint32Array.from(taskComm),
    strings: strings.list,
    lateUnpinTs,
    lateLines: late,
    records: { pinRounds, unpins },
  });
  const examples: SkippedLine[] = [];
  let skippedLines = 0;
  const lost: Array<{ line: number; cpu: number | null; count: number }> = [];
  for (const k of chain) {
    const end = pieces[k]!.end;
    skippedLines += end.skipped.lines;
    for (const s of end.skipped.examples) examples.push({ line: s.line + offset.get(k)!, reason: s.reason });
    for (const l of end.lost) lost.push({ line: l.line + offset.get(k)!, cpu: l.cpu, count: l.count });
  }
  return {
    columns,
    lines,
    late,
    lost,
    skipped: { lines: skippedLines, examples: examples.slice(0, skippedExamples) },
    facts: pieces[0]!.end.facts,
    inference,
    kept: chain.length,
  };
}
