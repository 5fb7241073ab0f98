// What the model predicts for a reconstructed call, against what the kernel did.
import { normaliseCall, replayCall } from '../engine';
import { CallError } from '../engine/call';
import type { CallDto, PinRoundDto, ReplayResultDto, VariantId } from '../protocol/dto';
import { decodeCall, type ObservedDto } from './decode';
import type { RawCall } from './reconstruct';
import { evidenceOf, NEWEST, type CallEvidence } from './variant-inference';

export interface TraceCallResult {
  readonly pid: number | null;
  readonly comm: string | null;
  readonly cpu: number | null;
  /** Line of the call's first event. */
  readonly line: number;
  readonly lines: readonly number[];
  readonly input: CallDto | null;
  readonly observed: ObservedDto;
  readonly predicted: ReplayResultDto | null;
  readonly verdict: 'match' | 'mismatch' | 'incomplete';
  readonly missing: readonly string[];
  /** What differs, when the verdict is mismatch. */
  readonly differences: readonly string[];
  readonly marker: string | null;
  /** What the call's result says of the kernel's variant, whatever it was replayed with (null: nothing). */
  readonly evidence: CallEvidence | null;
}


/**
 * The model's answers to the calls replayed lately, by their input: the model
 * is a function of the input alone, and a trace repeats the same call many
 * times over (a test suite reusing its buffers), so each is worked out once.
 * Bounded: forgotten wholesale when full.
 */
const recentReplays = new Map<string, ReplayResultDto | string>();
const RECENT_REPLAYS = 4096;

/**
 * A key two inputs share only when their JSON is the same (finer only where
 * JSON writes NaN and ±Infinity alike as null), built by hand for a traced
 * call's usual shape (JSON of it took a fifth of a call's replay): every
 * field in a fixed order, texts prefixed by their length, lists by their
 * count. An input with VMAs or injected events (not what a trace decodes
 * to) is keyed by its JSON.
 */
export function replayKey(input: CallDto): string {
  if (input.vmas !== null || input.events.length) return 'J' + JSON.stringify(input);
  const text = (t: string) => `${t.length}:${t}`;
  let key = `K${text(input.iter)}${text(input.dir)}${text(input.variant)}${text(input.kernel)}${input.nofault ? 1 : 0} ${input.pageSize} ${input.iovOffset} ${input.len}`;
  for (const list of [input.segments, input.unmapped, input.readonly, input.untouched]) {
    key += ` ${list.length}`;
    for (const range of list) key += ` ${text(range.addr)}${range.len}`;
  }
  return key;
}

/** The fields of CallDto replayKey holds: a field added to CallDto does not compile here until it is listed, a reminder to put it in the key too. */
const KEYED: Record<keyof CallDto, true> = {
  iter: true, dir: true, variant: true, kernel: true, nofault: true, pageSize: true, iovOffset: true, len: true,
  segments: true, unmapped: true, readonly: true, untouched: true, vmas: true, events: true,
};
void KEYED;

/** The model's prediction for `input`, or why the model cannot take it (CallError's message). */
function replayOf(input: CallDto): ReplayResultDto | string {
  const key = replayKey(input);
  let answer = recentReplays.get(key);
  if (answer === undefined) {
    try {
      // Shared by every call with this input: read-only by its type (freezing every
      // object of it cost more than the replay itself).
      answer = replayCall(normaliseCall(input));
    } catch (error) {
      if (!(error instanceof CallError)) throw error;
      answer = error.message;
    }
    if (recentReplays.size >= RECENT_REPLAYS) recentReplays.clear();
    recentReplays.set(key, answer);
  }
  return answer;
}

/** The recorded pin rounds are the model's, field by field, as their JSON was compared (same four fields in the same order; a recorded ret of NaN, "(fault)", differs either way). */
function sameRounds(recorded: readonly PinRoundDto[], model: readonly PinRoundDto[]): boolean {
  if (recorded.length !== model.length) return false;
  for (let i = 0; i < recorded.length; i++) {
    const a = recorded[i]!;
    const b = model[i]!;
    if (a.start !== b.start || a.nrPages !== b.nrPages || a.gupFlags !== b.gupFlags || a.ret !== b.ret) return false;
  }
  return true;
}

/** Replays a traced call through `variant` ('auto' here is the newest: a whole trace decides with VariantInference). */
export function replayTraceCall(call: RawCall, kernel: string, variant: VariantId | 'auto'): TraceCallResult {
  const decoded = decodeCall(call, kernel);
  const missing = [...decoded.missing];
  let predicted: ReplayResultDto | null = null;
  let input = decoded.input;
  if (input) {
    input = { ...input, variant: variant === 'auto' ? NEWEST : variant };
    const replayed = replayOf(input);
    if (typeof replayed === 'string') missing.push(`a call the model cannot take (${replayed})`);
    else predicted = replayed;
  }
  const differences: string[] = [];
  const observed = decoded.observed;
  if (predicted && observed.ret !== null) {
    if (predicted.ret !== observed.ret) differences.push(`return: kernel ${observed.ret}, model ${predicted.ret}`);
    if (observed.bytes !== null && predicted.bytes !== observed.bytes) differences.push(`new count: kernel ${observed.bytes}, model ${predicted.bytes}`);
    const rounds = observed.pinRounds;
    if (rounds.length && !sameRounds(rounds, predicted.pinRounds)) differences.push('pin rounds differ');
    // Recorded slots below the returned count are real bvecs; the rest are stale heap bytes.
    for (const slot of observed.bvecs) {
      if (slot.idx >= observed.ret) continue;
      const mine = predicted.bvecs[slot.idx];
      if (mine?.offset !== slot.offset || mine.len !== slot.len) {
        differences.push(`bvec ${slot.idx}: kernel offset ${slot.offset} len ${slot.len}, model ${mine ? `offset ${mine.offset} len ${mine.len}` : 'none'}`);
      }
    }
  }
  const verdict = differences.length ? 'mismatch' : predicted && observed.ret !== null && missing.length === 0 ? 'match' : 'incomplete';
  return {
    pid: call.pid,
    comm: call.comm,
    cpu: call.cpu,
    line: call.line,
    lines: call.lines,
    input,
    observed,
    predicted,
    verdict,
    missing,
    differences,
    marker: call.marker,
    evidence: evidenceOf(decoded),
  };
}
