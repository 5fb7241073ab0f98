// Runs a recording on a target: starts the target command, sends the probe
// script, picks the plan from the facts, sends the recording script, and
// splits what comes back into messages and trace lines — the trace written to
// a file as it arrives (gzip when it ends in .gz) and read by the streaming
// TraceReader, so calls come out as they complete. Stop and Cancel are a line
// on the target's stdin; a target that goes quiet is killed after a timeout
// (its side then cleans up: its stdin and stdout are gone).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import { choosePlan, emptyFacts, formatOf, noteMessage, parseMessage, type PlanChoice, type TargetFacts } from '../record/plan';
import { probeScript, recordScript, type RecordKind } from '../record/script';
import { TraceReader, type RawCall, type TraceFacts, type TraceSummary } from '../trace';

export type TargetSpec =
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'local' }
  | { readonly kind: 'ssh'; readonly user: string | null; readonly host: string; readonly port: number | null };

/** Parses --target local | ssh://[user@]host[:port]; null when it is neither. */
export function parseTarget(text: string): TargetSpec | null {
  if (text === 'local') return { kind: 'local' };
  const m = /^ssh:\/\/(?:([^@/:\s-][^@/:\s]*)@)?([^@/:\s-][^@/:\s]*|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?\/?$/.exec(text);
  if (!m) return null;
  return { kind: 'ssh', user: m[1] ?? null, host: m[2]!, port: m[3] ? Number(m[3]) : null };
}

export function describeTarget(target: TargetSpec): string {
  if (target.kind === 'command') return `command: ${target.command}`;
  if (target.kind === 'local') return 'this machine';
  return `ssh://${target.user ? `${target.user}@` : ''}${target.host}${target.port ? `:${target.port}` : ''}`;
}

// A remote shell that is not root goes through sudo (non-interactive: there is no terminal to ask on).
const AS_ROOT = 'if [ "$(id -u)" = 0 ]; then exec sh -s; else exec sudo -n sh -s; fi';

/** argv that runs a script read from stdin as root on the target. */
export function targetArgv(target: TargetSpec, elevate: 'sudo' | 'pkexec' = 'sudo'): string[] {
  switch (target.kind) {
    case 'command':
      return ['sh', '-c', target.command];
    case 'local':
      return process.getuid?.() === 0 ? ['sh', '-s'] : elevate === 'pkexec' ? ['pkexec', 'sh', '-s'] : ['sudo', 'sh', '-s'];
    case 'ssh':
      // -T: no terminal (the script is stdin); the user's own ssh config applies.
      return ['ssh', '-T', ...(target.port ? ['-p', String(target.port)] : []), '--', `${target.user ? `${target.user}@` : ''}${target.host}`, AS_ROOT];
  }
}

export interface RecordOptions {
  readonly target: TargetSpec;
  readonly kind: RecordKind;
  /** Where the trace goes as it arrives (.gz: gzip). */
  readonly output: string;
  /**
   * Also written as it arrives, plain text, the same bytes as `output`
   * holds (decompressed): a file the language server can follow while it
   * grows, and read a call's lines from by offset. Created (empty but for the
   * release line) before onRecording; not deleted here.
   */
  readonly plainCopy?: string;
  readonly duration?: number;
  readonly workload?: readonly string[];
  readonly elevate?: 'sudo' | 'pkexec';
  /** Seconds to wait for the target's first answer (a VM may boot first). */
  readonly startTimeout?: number;
  /** Seconds without a line (the target sends one a second) before the connection counts as lost. */
  readonly idleTimeout?: number;
  /** Asked with the plan before it runs (the editor shows the recipe); false cancels. */
  readonly confirm?: (choice: Extract<PlanChoice, { ok: true }>, facts: TargetFacts, script: string) => Promise<boolean> | boolean;
  readonly onFacts?: (facts: TargetFacts) => void;
  readonly onRecording?: () => void;
  /** A call as it completes, with what the trace says of itself (its kernel release). */
  readonly onCall?: (call: RawCall, trace: TraceFacts) => void;
  /** Trace lines and lost events so far. */
  readonly onProgress?: (progress: RecordProgress) => void;
  /** The target's stderr (the workload's output, a VM's console). */
  readonly onStderr?: (chunk: Buffer) => void;
  /** Tests: fail on the target right after setting up. */
  readonly failAfterSetup?: boolean;
}

export interface RecordProgress {
  readonly events: number;
  readonly calls: number;
  readonly lost: number;
  readonly elapsedMs: number;
}

export type RecordOutcome =
  | 'recorded' // recorded and cleaned up
  | 'cannot' // the target cannot record (missing lists why); nothing was changed there
  | 'cancelled' // stopped by Cancel: the trace is discarded
  | 'failed'; // a step failed on the target, or the connection was lost

export interface RecordResult {
  readonly outcome: RecordOutcome;
  readonly facts: TargetFacts;
  readonly missing: readonly string[];
  readonly errors: readonly string[];
  readonly kernel: string | null;
  readonly id: string;
  readonly plan: Extract<PlanChoice, { ok: true }> | null;
  /** The recording script as sent (both parts). */
  readonly script: string;
  readonly workloadExit: number | null;
  readonly endReason: string | null;
  /** "done" or "failed: …" as the target reported it; null when it never said. */
  readonly cleanup: string | null;
  readonly summary: TraceSummary | null;
  readonly exitStatus: number | null;
  readonly progress: RecordProgress;
}

export interface Recording {
  /** Stop recording: the target drains, cleans up, and the trace is kept. */
  stop(): void;
  /** Stop and discard the trace. */
  cancel(): void;
  readonly done: Promise<RecordResult>;
}

function newId(): string {
  return randomBytes(4).toString('hex');
}

export function startRecording(options: RecordOptions): Recording {
  const id = newId();
  const started = Date.now();
  const facts = emptyFacts();
  const errors: string[] = [];
  let missing: string[] = [];
  let choice: Extract<PlanChoice, { ok: true }> | null = null;
  let phase: 'probing' | 'confirming' | 'recording' | 'ending' = 'probing';
  let stopRequested: 'stop' | 'cancel' | null = null;
  let outcome: RecordOutcome | null = null;
  let workloadExit: number | null = null;
  let endReason: string | null = null;
  let cleanup: string | null = null;
  let script = probeScript();
  let events = 0;
  let calls = 0;
  let reader: TraceReader | null = null;
  let file: WriteStream | null = null;
  let gzip: Gzip | null = null;
  let plain: WriteStream | null = null;
  let lastLine = Date.now();
  const releaseLines: string[] = [];

  const argv = targetArgv(options.target, options.elevate);
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined);
  child.stderr!.on('data', (chunk: Buffer) => options.onStderr?.(chunk));
  child.stdin!.write(script);

  let lostEvents = 0;
  let recordingSeen = false;
  const progress = (): RecordProgress => ({ events, calls, lost: lostEvents, elapsedMs: Date.now() - started });

  const send = (text: string) => {
    if (child.stdin!.writable) child.stdin!.write(text);
  };
  const endInput = () => child.stdin!.end();

  const openOutput = () => {
    const raw = createWriteStream(options.output);
    file = raw;
    if (options.plainCopy) {
      plain = createWriteStream(options.plainCopy, { mode: 0o600 });
      plain.on('error', (error) => errors.push(`cannot write ${options.plainCopy}: ${error.message}`));
    }
    if (options.output.endsWith('.gz')) {
      gzip = createGzip();
      gzip.pipe(raw);
    }
    reader = new TraceReader({
      format: formatOf(options.kind),
      decode: (bytes, start, end) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end),
      onCall: (call, trace) => {
        calls++;
        options.onCall?.(call, trace);
      },
    });
    // The release line first, in the file and for the reader (the replay picks the variant from it).
    const top = releaseLines.join('');
    writeTrace(top);
    if (top) reader.push(Buffer.from(top));
  };
  const writeTrace = (text: string) => {
    if (!text) return;
    (gzip ?? file)?.write(text);
    plain?.write(text);
  };

  const begin = async () => {
    const picked = choosePlan(facts, { id, kind: options.kind, duration: options.duration, workload: options.workload, failAfterSetup: options.failAfterSetup });
    if (!picked.ok) {
      missing = [...picked.missing];
      outcome = 'cannot';
      phase = 'ending';
      send('exit 2\n');
      endInput();
      return;
    }
    choice = picked;
    phase = 'confirming';
    const part2 = recordScript(picked.plan);
    const go = options.confirm ? await options.confirm(picked, facts, script + part2) : true;
    if (!go || stopRequested) {
      outcome = 'cancelled';
      phase = 'ending';
      send('exit 0\n');
      endInput();
      return;
    }
    script += part2;
    openOutput();
    phase = 'recording';
    send(part2);
  };

  let pending = '';
  const traceOut: string[] = [];
  const line = (text: string) => {
    lastLine = Date.now();
    const message = parseMessage(text);
    if (!message) {
      if (phase !== 'recording') return; // nothing but messages comes before the recording
      traceOut.push(text, '\n');
      events++;
      lastTrace = lastLine;
      flushed = false;
      if (text.includes('[LOST ')) {
        const m = /\[LOST (\d+) EVENTS\]/.exec(text);
        if (m) lostEvents += Number(m[1]);
      } else if (text.startsWith('Lost ')) {
        // bpftrace's own line for a full perf buffer.
        const m = /^Lost (\d+) events/.exec(text);
        if (m) lostEvents += Number(m[1]);
      }
      return;
    }
    noteMessage(facts, message);
    switch (message.kind) {
      case 'release':
        releaseLines.push(text, '\n');
        return;
      case 'probed':
        options.onFacts?.(facts);
        void begin().catch((error: Error) => {
          errors.push(error.message);
          outcome = 'failed';
          endInput();
        });
        return;
      case 'status':
        if (message.text === 'recording') {
          recordingSeen = true;
          options.onRecording?.();
          if (stopRequested) send(`${stopRequested}\n`);
        }
        return;
      case 'error':
        errors.push(message.text);
        return;
      case 'workload':
        workloadExit = Number(/exit=(-?\d+)/.exec(message.text)?.[1] ?? NaN);
        return;
      case 'end':
        endReason = /reason=(\S+)/.exec(message.text)?.[1] ?? message.text;
        return;
      case 'cleanup':
        cleanup = message.text;
        return;
      default:
        return;
    }
  };

  child.stdout!.on('data', (chunk: Buffer) => {
    const text = pending + chunk.toString('utf8');
    const parts = text.split('\n');
    pending = parts.pop()!;
    for (const part of parts) line(part);
    if (traceOut.length) {
      const joined = traceOut.join('');
      traceOut.length = 0;
      writeTrace(joined);
      reader?.push(Buffer.from(joined));
    }
    options.onProgress?.(progress());
  });

  // The host side's timeout: no answer at start, or silence while recording.
  const startTimeout = (options.startTimeout ?? 180) * 1000;
  const idleTimeout = (options.idleTimeout ?? 20) * 1000;
  let lostConnection = false;
  let lastTrace = Date.now();
  let flushed = true;
  const watchdog = setInterval(() => {
    // A second without trace lines: the calls that have returned are complete enough to show.
    if (!flushed && Date.now() - lastTrace > 1000) {
      flushed = true;
      reader?.flushReturned();
    }
    const quiet = Date.now() - lastLine;
    // Setting up may be slow (bpftrace compiles and attaches; a VM on a loaded host): a minute at least, until the target says it records.
    const settingUp = phase === 'recording' && !recordingSeen;
    const limit = phase === 'probing' && !facts.kernelRelease ? startTimeout : phase === 'confirming' ? Infinity : settingUp ? Math.max(idleTimeout, 60_000) : idleTimeout;
    if (quiet > limit) {
      lostConnection = true;
      errors.push(`the target sent nothing for ${Math.round(quiet / 1000)} s: connection lost`);
      clearInterval(watchdog);
      // Our end of its stdin goes too: a target still alive sees the connection gone and cleans up.
      child.stdin!.destroy();
      child.kill('SIGTERM');
    }
  }, 250);

  const done = new Promise<RecordResult>((resolve) => {
    child.on('error', (error) => errors.push(`cannot start ${argv[0]}: ${error.message}`));
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      if (pending) line(pending);
      let summary: TraceSummary | null = null;
      if (traceOut.length) {
        const joined = traceOut.join('');
        writeTrace(joined);
        reader?.push(Buffer.from(joined));
      }
      try {
        summary = reader ? (reader as TraceReader).end() : null;
      } catch (error) {
        errors.push((error as Error).message);
      }
      if (!outcome) {
        if (stopRequested === 'cancel') outcome = 'cancelled';
        else if (endReason) outcome = 'recorded';
        // A step failed on the target before recording began: it cannot record (and cleaned up).
        else if (!recordingSeen && errors.length && !lostConnection) outcome = 'cannot';
        else outcome = 'failed';
      }
      if (!facts.kernelRelease && !errors.length) errors.push(`the target command exited (${code}) without answering: does it run a script from its stdin with sh?`);
      else if (outcome === 'failed' && !errors.length) errors.push(`the target stopped (${code === null ? `killed by ${signal}` : `exit ${code}`}) before the recording ended`);
      const finish = () => {
        if (outcome === 'cancelled') rmSync(options.output, { force: true });
        resolve({
          outcome: outcome!,
          facts,
          missing,
          errors,
          kernel: choice?.kernel ?? null,
          id,
          plan: choice,
          script,
          workloadExit,
          endReason,
          cleanup,
          summary,
          exitStatus: code,
          progress: progress(),
        });
      };
      const out = gzip ?? file;
      // Both files closed (all written) before the result: a follower of the copy reads it to its end then.
      const closed = (stream: WriteStream | null) => new Promise<void>((resolve) => (stream ? stream.once('close', () => resolve()) : resolve()));
      if (out) {
        void Promise.all([closed(file), closed(plain)]).then(finish);
        (out as NodeJS.WritableStream).end();
        (plain as WriteStream | null)?.end();
      } else finish();
    });
  });

  return {
    stop: () => {
      stopRequested ??= 'stop';
      if (phase === 'recording') send('stop\n');
      else if (phase === 'probing') child.kill('SIGTERM');
    },
    cancel: () => {
      stopRequested = 'cancel';
      if (phase === 'recording') send('cancel\n');
      else if (phase === 'probing') child.kill('SIGTERM');
    },
    done,
  };
}

/** The sidecar beside a saved trace: what was recorded where, and how. */
export function writeSidecar(path: string, result: RecordResult, target: TargetSpec): void {
  const sidecar = {
    schema: 'pinscope-recording/1',
    // SHARED-DECISIONS 1: the kernel release, as in the trace's first line.
    kernel_release: result.facts.kernelRelease,
    arch: result.facts.arch,
    target: describeTarget(target),
    facts: result.facts.facts,
    kind: result.plan?.plan.kind ?? null,
    bpftrace: result.plan?.bpftrace ?? null,
    id: result.id,
    probes: result.plan?.plan.definitions ?? [],
    filters: result.plan?.plan.filters ?? {},
    workload: result.plan?.plan.workload ?? [],
    workload_exit: result.workloadExit,
    end: result.endReason,
    cleanup: result.cleanup,
    events: result.progress.events,
    calls: result.progress.calls,
    lost: result.progress.lost,
    elapsed_ms: result.progress.elapsedMs,
    script: result.script,
  };
  writeFileSync(path, JSON.stringify(sidecar, null, 2) + '\n');
}
