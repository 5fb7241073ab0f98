// `pinscope stats FILE`: the whole trace at a glance, from the same index and
// bins the editor's overview draws (calls per task and verdict, anomalies,
// callers, sizes, the pin balance, histograms), in constant memory per call.
// A big plain text trace is read on every core, as the editor's load reads it
// (each core's reader has a heap of its own: a higher peak, bounded the same way).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { VARIANTS } from '../engine';
import { kernelProfile } from '../engine/kernel-profile';
import { loadTraceIndex } from '../node/trace-index-load';
import { piecesOnEveryCore, type ParallelOptions } from '../node/trace-pieces';
import type { VariantId } from '../protocol/dto';
import type { TraceBinsDto } from '../protocol/trace-calls';
import { FORMATS, printable, printableJson, TraceError, type TraceFormat } from '../trace';
import { TraceIndex } from '../trace/trace-index';
import { StreamOut } from './output';
import { UsageError } from './replay-command';

const HISTOGRAMS = ['bytes', 'pages', 'rounds', 'duration'] as const;

/**
 * Big plain text traces in pieces, one per core: the first in this thread,
 * the others in worker threads running the trace worker the bundle puts
 * beside cli.js; run from the sources there is none (a worker thread does
 * not inherit tsx's loader): read whole.
 */
function parallel(): { parallel: ParallelOptions } | Record<string, never> {
  const worker = join(__dirname, 'trace-worker.js');
  return existsSync(worker) ? { parallel: piecesOnEveryCore(worker) } : {};
}

export async function statsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'auto' },
      variant: { type: 'string', default: 'auto' },
      kernel: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('stats: give exactly one trace FILE');
  const format = values.format as TraceFormat | 'auto';
  if (format !== 'auto' && !(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected auto or one of ${FORMATS.join(', ')}`);
  const variant = values.variant as VariantId | 'auto';
  if (variant !== 'auto' && !VARIANTS.includes(variant)) throw new UsageError(`--variant: expected auto or one of ${VARIANTS.join(', ')}`);
  if (values.kernel !== undefined && !kernelProfile(values.kernel)) throw new UsageError(`--kernel: ${JSON.stringify(values.kernel)} is not a kernel with netfs_extract_user_iter (6.3 or later)`);
  const file = positionals[0]!;
  let loaded;
  try {
    loaded = await loadTraceIndex({ path: file, kernel: values.kernel ?? null, variant, format, ...parallel() });
  } catch (error) {
    if (error instanceof TraceError) {
      process.stderr.write(`pinscope: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const index = new TraceIndex(loaded.columns);
  const totals = index.totals();
  const histograms = Object.fromEntries(HISTOGRAMS.map((of) => [of, index.histogram(of)]));
  const out = new StreamOut();
  const { summary, pieces } = loaded;
  if (values.json) {
    out.write(printableJson(JSON.stringify({ file, format: summary.format, lines: summary.lines, bytes: summary.bytes, pieces, totals, histograms, skipped: summary.skipped, lost: summary.lost }, null, 2)) + '\n');
  } else {
    // Task names, callers and skipped lines are trace text: escaped a line at a time.
    const say = (text: string) => out.write(text.split('\n').map(printable).join('\n'));
    const n = (x: number) => x.toLocaleString('en');
    const v = totals.verdicts;
    say(`${file}: ${summary.format}, ${n(summary.lines)} lines, ${n(totals.calls)} call(s) from ${n(totals.tasks)} task(s)\n`);
    say(`verdicts: ${n(v.match)} match, ${n(v.mismatch)} mismatch, ${n(v.incomplete)} incomplete\n`);
    if (totals.time) say(`time: ${totals.time.first.toFixed(6)} – ${totals.time.last.toFixed(6)} s (${(totals.time.last - totals.time.first).toFixed(6)} s)\n`);
    say(`anomalies: ${totals.anomalous ? `${n(totals.anomalous)} call(s): ${totals.anomalies.map((a) => `${a.key} ${n(a.calls)}`).join(', ')}` : 'none'}\n`);
    const p = totals.pins;
    say(`pins: ${n(p.pinned)} page(s) pinned by recorded GUP rounds, ${n(p.unpinned)} unpin event(s), ${n(p.outstanding)} outstanding at the end\n`);
    if (totals.callers.length) say(`callers: ${totals.callers.slice(0, 10).map((c) => `${c.key} ${n(c.calls)}`).join(', ')}${totals.callers.length + totals.callersMore > 10 ? ', …' : ''}\n`);
    say(`sizes (orig_len): ${totals.sizeClasses.map((s) => `${s.label}: ${n(s.calls)}`).join(', ') || 'not recorded'}\n`);
    say(`busiest tasks: ${totals.busiestTasks.slice(0, 5).map((t) => `${t.comm ?? '?'}-${t.pid ?? '?'} ${n(t.calls)}`).join(', ')}\n`);
    for (const of of HISTOGRAMS) say(histogramText(of, histograms[of]!));
    if (summary.skipped.lines) say(`${n(summary.skipped.lines)} line(s) could not be read, e.g. ${summary.skipped.examples.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}\n`);
    for (const lost of summary.lost) say(`line ${lost.line}: ${lost.count} events lost on CPU ${lost.cpu ?? '?'}\n`);
  }
  await out.end();
  return 0;
}

const TITLES = { bytes: 'bytes per call (orig_len)', pages: 'pages pinned per call', rounds: 'GUP rounds per call', duration: 'time inside the call (µs)' } as const;

function histogramText(of: (typeof HISTOGRAMS)[number], bins: TraceBinsDto): string {
  if (bins.kind !== 'histogram') return '';
  const most = Math.max(0, ...bins.counts);
  if (most === 0) return `${TITLES[of]}: not recorded\n`;
  const rows = bins.counts
    .map((count, i) => [count, bins.edges[i]!, bins.edges[i + 1]!] as const)
    .filter(([count]) => count > 0)
    .map(([count, lo, hi]) => {
      const range = hi - lo <= 1 ? `${lo}` : `${lo}–${hi - 1}`;
      return `  ${range.padStart(21)} ${String(count).padStart(9)} ${'#'.repeat(Math.max(1, Math.round((40 * count) / most)))}`;
    });
  return `${TITLES[of]}${bins.unknown ? ` (${bins.unknown} without)` : ''}:\n${rows.join('\n')}\n`;
}
