// `pinscope record`: record netfs_extract_user_iter calls on a target, print
// each call as it completes, keep the trace, and end with the summary of
// `pinscope replay`. Exit 0 recorded, 2 the target cannot record (why is
// printed), 1 the recording failed midway (the connection was lost, or the
// target could not clean up).
import { parseArgs } from 'node:util';
import { StreamingReplay } from '../trace';
import { RECORD_KINDS, type RecordKind } from '../record/script';
import { describeTarget, parseTarget, startRecording, writeSidecar, type TargetSpec } from '../node/record-session';
import { HEADER, row, summaryLines, UsageError, variantLines, write } from './replay-command';

export async function recordCommand(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const workload = dash < 0 ? [] : argv.slice(dash + 1);
  const { values, positionals } = parseArgs({
    args: own,
    strict: true,
    allowPositionals: true,
    options: {
      'target-command': { type: 'string' },
      target: { type: 'string' },
      kind: { type: 'string', default: 'kprobe' },
      output: { type: 'string', short: 'o' },
      duration: { type: 'string' },
      'idle-timeout': { type: 'string' },
      'fail-after-setup': { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`record: unexpected ${JSON.stringify(positionals[0])} (the workload goes after --)`);
  let target: TargetSpec;
  if (values['target-command'] !== undefined && values.target !== undefined) throw new UsageError('record: give --target-command or --target, not both');
  if (values['target-command'] !== undefined) {
    if (!values['target-command'].trim()) throw new UsageError('--target-command: empty command');
    target = { kind: 'command', command: values['target-command'] };
  } else if (values.target !== undefined) {
    const parsed = parseTarget(values.target);
    if (!parsed) throw new UsageError(`--target: expected local or ssh://[user@]host[:port], got ${JSON.stringify(values.target)}`);
    target = parsed;
  } else {
    throw new UsageError('record: give --target-command CMD, --target local or --target ssh://[user@]host[:port]');
  }
  const kind = values.kind as RecordKind;
  if (!RECORD_KINDS.includes(kind)) throw new UsageError(`--kind: expected ${RECORD_KINDS.join(', ')}`);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(Number.isInteger(duration) && duration > 0)) throw new UsageError('--duration: a whole number of seconds > 0');
  const idle = values['idle-timeout'] === undefined ? undefined : Number(values['idle-timeout']);
  if (idle !== undefined && !(idle > 0)) throw new UsageError('--idle-timeout: seconds > 0');
  const output = values.output ?? `pinscope-${new Date().toISOString().replace(/[:.]/g, '-')}.trace`;

  const err = (text: string) => process.stderr.write(`pinscope: ${text}\n`);
  err(`recording ${kind} on ${describeTarget(target)}${workload.length ? ` while running: ${workload.join(' ')}` : ''}`);
  const verdicts = { match: 0, mismatch: 0, incomplete: 0 };
  let printedHeader = false;
  // As pinscope replay does: the variant from the recorded release (the trace's first line), checked by the calls.
  const replaying = new StreamingReplay({ variant: 'auto', kernel: null });
  const recording = startRecording({
    target,
    kind,
    output,
    duration,
    workload,
    idleTimeout: idle,
    failAfterSetup: values['fail-after-setup'],
    onStderr: (chunk) => process.stderr.write(chunk),
    confirm: (choice) => {
      if (choice.bpftrace) err(`bpftrace dialect: ${choice.bpftrace.dialect} (${choice.bpftrace.reason})`);
      return true;
    },
    onFacts: (facts) => err(`target: Linux ${facts.kernelRelease ?? '?'} ${facts.arch ?? '?'}; ${Object.entries(facts.facts).map(([k, v]) => `${k}=${v}`).join(' ')}`),
    onRecording: () => err(`recording into ${output}${workload.length || duration ? '' : ' (Ctrl-C stops)'}`),
    onCall: (call, trace) => {
      const result = replaying.replay(call, trace);
      verdicts[result.verdict]++;
      if (!printedHeader) {
        write(process.stdout, [HEADER]);
        printedHeader = true;
      }
      write(process.stdout, [row(result)]);
    },
  });
  // Ctrl-C stops (the target drains and cleans up); a second one cancels.
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts++;
    if (interrupts === 1) {
      err('stopping (Ctrl-C again cancels)');
      recording.stop();
    } else recording.cancel();
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', () => recording.stop());
  const result = await recording.done;
  process.off('SIGINT', onInterrupt);

  if (result.outcome === 'cannot') {
    err(`the target cannot record ${kind}:`);
    for (const reason of [...result.missing, ...result.errors]) process.stderr.write(`  - ${reason}\n`);
    if (result.cleanup && result.cleanup !== 'done') err(`cleanup on the target: ${result.cleanup}`);
    return 2;
  }
  if (result.outcome === 'cancelled') {
    err('cancelled; the trace was discarded');
    return 1;
  }
  if (result.summary || result.plan) writeSidecar(`${output}.pinscope.json`, result, target);
  if (result.summary) {
    const decision = replaying.inference(result.summary.kernelRelease).decision();
    write(process.stdout, [`${output}: ${result.summary.format}, ${result.summary.lines} lines, ${result.summary.calls} call(s)`, ...variantLines(decision), ...summaryLines(result.summary, verdicts)]);
  }
  if (result.workloadExit !== null && result.workloadExit !== 0) err(`the workload exited with status ${result.workloadExit}`);
  for (const error of result.errors) err(error);
  if (result.outcome === 'failed') {
    err(result.summary ? `the recording did not end normally; what arrived is in ${output}` : 'nothing was recorded');
    return 1;
  }
  if (result.cleanup !== 'done') {
    err(`cleanup on the target: ${result.cleanup ?? 'not confirmed'}`);
    return 1;
  }
  err(`recorded ${result.progress.events} events, ${result.progress.calls} call(s), ${result.progress.lost} lost, in ${(result.progress.elapsedMs / 1000).toFixed(1)} s; the target was cleaned up`);
  return 0;
}
