// A replay as Chrome trace-event JSON (the format Perfetto and chrome://tracing
// open): one complete event per step on a "netfs_extract_user_iter" track, in
// order, with the state after the step as its arguments. Time is the step's
// position, not a measurement.
import type { ReplayResultDto } from '../protocol/dto';

export interface TraceEvent {
  readonly name: string;
  readonly cat: string;
  readonly ph: 'X' | 'i' | 'M';
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly s?: 'g' | 'p' | 't';
  readonly args: Record<string, unknown>;
}

const STEP_US = 10;

export function toChromeTraceEvents(result: ReplayResultDto, title: string): { traceEvents: TraceEvent[]; displayTimeUnit: 'ns' } {
  const events: TraceEvent[] = [
    { name: 'process_name', cat: '__metadata', ph: 'M', ts: 0, pid: 1, tid: 1, args: { name: `Pinscope: ${title}` } },
    { name: 'thread_name', cat: '__metadata', ph: 'M', ts: 0, pid: 1, tid: 1, args: { name: `netfs_extract_user_iter (${result.variant})` } },
  ];
  result.steps.forEach((step, i) => {
    events.push({
      name: step.title,
      cat: step.anchor,
      ph: 'X',
      ts: i * STEP_US,
      dur: STEP_US,
      pid: 1,
      tid: 1,
      args: { detail: step.detail, lines: `${step.lines[0]}-${step.lines[1]}`, ...step.state },
    });
  });
  for (const anomaly of result.anomalies) {
    events.push({ name: anomaly.kind, cat: 'anomaly', ph: 'i', ts: result.steps.length * STEP_US, pid: 1, tid: 1, s: 't', args: { ...anomaly } });
  }
  return { traceEvents: events, displayTimeUnit: 'ns' };
}
