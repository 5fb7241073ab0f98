// Recording on a real kernel: Pinscope's test guest (scripts/ensure-guest.sh,
// booted by scripts/guest-target.mjs) and `pinscope record` run as a user runs
// it, a real process whose output is read as it comes.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO_ROOT } from './fixtures';

export const GUEST_TARGET = join(REPO_ROOT, 'scripts', 'guest-target.mjs');

/**
 * A user's own tracing, set up in the guest before the recording: a kprobe
 * (enabled globally), an fprobe, an instance, and the global function tracer on
 * one function. The recording must leave all of it as it was.
 */
export const USER_TRACING = `cd /sys/kernel/tracing
echo 'p:mine/vfsr vfs_read' >> kprobe_events
echo 1 > events/mine/vfsr/enable
echo 'f:myfp/openat do_sys_openat2' >> dynamic_events
mkdir instances/mine
echo do_sys_openat2 > set_ftrace_filter
echo function > current_tracer
`;

export interface GuestRun {
  /** The control folder: seed.sh, and the tracefs state before and after. */
  readonly state: string;
  /** The folder the guest sees at /mnt/share. */
  readonly share: string;
  /** The target command for `pinscope record --target-command`. */
  readonly command: string;
}

/** This machine's bpftrace (Debian's package), which a guest can run from the host's root share. */
export const HOST_BPFTRACE = '/usr/bin/bpftrace';

/**
 * The guest gets a bpftrace of its own: this machine's / read-only at /host
 * (guest-target --host-root) and /bin/bpftrace running the host's binary with
 * the host's dynamic loader and libraries, so the target really has one.
 */
const bpftraceFromHost = (version: string | undefined) => `mkdir -p /host
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,ro pinscope_host /host
printf '%s\\n' '#!/bin/sh' ${version === undefined ? '' : `'[ "$1" = --version ] && { echo "${version}"; exit 0; }' `}'exec /host/lib64/ld-linux-x86-64.so.2 --library-path /host/usr/lib/x86_64-linux-gnu:/host/lib/x86_64-linux-gnu /host${HOST_BPFTRACE} "$@"' > /bin/bpftrace
chmod 755 /bin/bpftrace
`;

/**
 * A fresh guest session's folders, with the user's own tracing to be kept (and, asked for, a bpftrace;
 * bpftraceVersion: what its --version says instead of the real one, to see the fallback dialect run).
 */
export function guestRun(options: { readonly bpftrace?: boolean; readonly bpftraceVersion?: string } = {}): GuestRun {
  const root = mkdtempSync(join(tmpdir(), 'pinscope-guest-test-'));
  const state = join(root, 'state');
  const share = join(root, 'share');
  mkdirSync(state);
  mkdirSync(share);
  writeFileSync(join(state, 'seed.sh'), (options.bpftrace ? bpftraceFromHost(options.bpftraceVersion) : '') + USER_TRACING);
  return { state, share, command: `${process.execPath} ${GUEST_TARGET} --state ${state} --share ${share}${options.bpftrace ? ' --host-root' : ''}` };
}

// Three 8 KiB writes, then a 16 KiB read buffer three times over the 24 KiB
// file (16 KiB, 8 KiB, end of file): every call extracts the whole buffer.
export const DD = 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3 && dd if=/mnt/share/f of=/dev/null bs=16k count=4';
export const DD_CALLS = ['UBUF write 8192', 'UBUF write 8192', 'UBUF write 8192', 'UBUF read 16384', 'UBUF read 16384', 'UBUF read 16384'];

/** Once the guest has powered off: its tracefs is exactly as before the recording, the user's own tracing included. */
export async function assertLeftAsFound(run: GuestRun): Promise<void> {
  const { before, after } = await tracefsStates(run);
  // The user's own tracing was really there, so "as before" means something.
  for (const mine of ['p:mine/vfsr vfs_read', 'f:myfp/openat do_sys_openat2', '== current_tracer\nfunction\n', 'mine:vfsr', '== instances\nmine\n']) {
    assert.ok(before.includes(mine), `the user's tracing was set up (${JSON.stringify(mine)} in:\n${before})`);
  }
  assert.equal(after, before, 'tracefs after the recording is exactly as before');
  assert.ok(!/pinscope/.test(after), 'nothing of Pinscope is left');
}

/** A recorded trace's text (gunzipped when it ends in .gz). */
export function traceText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The tracefs state the guest captured before and after the script, once it has powered off. */
export async function tracefsStates(run: GuestRun, timeoutMs = 90_000): Promise<{ before: string; after: string; status: number }> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(join(run.state, 'status'))) {
    if (Date.now() > deadline) throw new Error(`the guest did not finish within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    before: readFileSync(join(run.state, 'before'), 'utf8'),
    after: readFileSync(join(run.state, 'after'), 'utf8'),
    status: Number(readFileSync(join(run.state, 'status'), 'utf8')),
  };
}

export interface RecordRun {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when stdout or stderr has matched. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  readonly exit: Promise<number | null>;
}

/** `pinscope record ARGS…`, from the sources. */
export function pinscopeRecord(args: readonly string[], env: NodeJS.ProcessEnv = {}): RecordRun {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'extension/cli/main.ts'), 'record', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  const run: RecordRun = {
    child,
    stdout: '',
    stderr: '',
    waitFor(pattern, timeoutMs = 90_000) {
      if (pattern.test(run.stdout) || pattern.test(run.stderr)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs / 1000} s; stderr:\n${run.stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
      });
    },
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
  const check = () => {
    for (const w of [...waiters]) {
      if (w.pattern.test(run.stdout) || w.pattern.test(run.stderr)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on('data', (d: Buffer) => ((run.stdout += d.toString()), check()));
  child.stderr!.on('data', (d: Buffer) => ((run.stderr += d.toString()), check()));
  return run;
}

/** The rows of calls `pinscope record` printed (its replay table), as [input, kernel, model, verdict]. */
export function printedCalls(stdout: string): Array<{ input: string; verdict: string }> {
  return stdout
    .split('\n')
    .filter((l) => /^\s+\d+\s+\d+ /.test(l))
    .map((l) => {
      const m = /(UBUF|IOVEC|KVEC|BVEC)\s+(read|write)\s+(\d+)\s+\S+\s+\S+\s+(\w+)/.exec(l);
      return { input: m ? `${m[1]} ${m[2]} ${m[3]}` : l, verdict: m?.[4] ?? '?' };
    });
}
