// `pinscope replay FILE`: every netfs_extract_user_iter call in a trace,
// replayed through the model and compared with what the kernel did.
import { parseArgs } from 'node:util';
import { describeCall, VARIANTS } from '../engine';
import { kernelProfile } from '../engine/kernel-profile';
import { readTraceFile } from '../node/trace-file';
import type { VariantId } from '../protocol/dto';
import { FORMATS, replayTraceCall, TraceError, type TraceCallResult, type TraceFormat, type TraceSummary } from '../trace';

export class UsageError extends Error {}

export const HEADER = `${'line'.padStart(7)}  ${'pid'.padStart(6)} ${'comm'.padEnd(16)} ${'input'.padEnd(20)} ${'kernel'.padStart(12)} ${'model'.padStart(12)}  verdict`;

/** One line of the table: made as the call arrives, so the replay need not be kept. */
export function row(c: TraceCallResult): string {
  const input = c.input ? describeCall(c.input) : '?';
  const kernel = c.observed.ret === null ? '?' : `${c.observed.ret}${c.observed.bytes !== null ? `/${c.observed.bytes}` : ''}`;
  const model = c.predicted ? `${c.predicted.ret}${c.predicted.bytes !== null ? `/${c.predicted.bytes}` : ''}` : '?';
  const why = c.verdict === 'mismatch' ? c.differences.join('; ') : c.verdict === 'incomplete' ? `missing: ${c.missing.join(', ')}` : '';
  return `${String(c.line).padStart(7)}  ${String(c.pid ?? '?').padStart(6)} ${(c.comm ?? '?').slice(0, 16).padEnd(16)} ${input.padEnd(20)} ${kernel.padStart(12)} ${model.padStart(12)}  ${c.verdict}${why ? ` (${why})` : ''}`;
}

/** The end of `pinscope replay`'s table: verdict counts, unreadable lines, lost events. */
export function summaryLines(summary: TraceSummary, verdicts: Readonly<Record<TraceCallResult['verdict'], number>>): string {
  let text = `${verdicts.match} match, ${verdicts.mismatch} mismatch, ${verdicts.incomplete} incomplete\n`;
  if (summary.skipped.lines) {
    text += `${summary.skipped.lines} line(s) could not be read, e.g. ${summary.skipped.examples.map((e) => `line ${e.line}: ${e.reason}`).join('; ')}\n`;
  }
  for (const lost of summary.lost) text += `line ${lost.line}: ${lost.count} events lost on CPU ${lost.cpu ?? '?'}\n`;
  return text;
}

export async function replayCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'auto' },
      variant: { type: 'string', default: 'auto' },
      kernel: { type: 'string', default: '6.12' },
      json: { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('replay: give exactly one trace FILE');
  const format = values.format as TraceFormat | 'auto';
  if (format !== 'auto' && !(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format: expected auto or one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const variant = values.variant as VariantId | 'auto';
  if (variant !== 'auto' && !VARIANTS.includes(variant)) throw new UsageError(`--variant: expected auto or one of ${VARIANTS.join(', ')}`);
  if (!kernelProfile(values.kernel!)) throw new UsageError(`--kernel: ${JSON.stringify(values.kernel)} is not a kernel with netfs_extract_user_iter (6.3 or later)`);

  const file = positionals[0]!;
  // JSON output carries every replay; the table keeps only its lines.
  const calls: TraceCallResult[] = [];
  const rows: string[] = [];
  const verdicts = { match: 0, mismatch: 0, incomplete: 0 };
  let summary;
  try {
    summary = await readTraceFile(file, {
      format,
      onCall: (call) => {
        const result = replayTraceCall(call, values.kernel!, variant);
        verdicts[result.verdict]++;
        if (values.json) calls.push(result);
        else rows.push(row(result));
      },
    });
  } catch (error) {
    if (error instanceof TraceError) {
      process.stderr.write(`pinscope: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const mismatches = verdicts.mismatch;
  if (values.json) {
    const out = {
      file,
      format: summary.format,
      calls: calls.map(({ lines: _lines, ...rest }) => rest),
      skipped: summary.skipped,
      lost: summary.lost,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    process.stdout.write(`${file}: ${summary.format}, ${summary.lines} lines, ${rows.length} call(s)\n`);
    if (rows.length) process.stdout.write([HEADER, ...rows].join('\n') + '\n');
    process.stdout.write(summaryLines(summary, verdicts));
  }
  return values.strict && mismatches > 0 ? 1 : 0;
}
