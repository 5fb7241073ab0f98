// Recording from Pinscope's test guest (Debian 6.12 under qemu TCG), through
// the CLI as a user runs it (dist/cli.js record):
// - the round trip from "Record" to the first replayed call printed, with the
//   guest target command (a VM that boots first; baseline: the bare guest's
//   boot to its first output, same run) and over SSH to the guest already up
//   (baseline: `ssh host true`, same run);
// - the event rate the stream sustains, and the lost events the CLI reports,
//   with busybox dd readers on the 9p share making reads as fast as they can
//   at growing buffer sizes (4 KiB to 1 MiB: more pages, so more events, per
//   call); baseline: the same dd untraced in the same guest, just before and
//   just after (calls/s, the faster of the two). The guest is TCG (one host
//   thread for both vCPUs) on a shared machine: the probes' cost bounds how
//   fast events are made, and the load moves every figure.
// Needs qemu, ssh and the guest (scripts/ensure-guest.sh); a few minutes.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const GUEST_TARGET = join(REPO, 'scripts', 'guest-target.mjs');
const root = mkdtempSync(join(tmpdir(), 'pinscope-record-bench-'));
const share = join(root, 'share');
mkdirSync(share);
const BIG_MIB = 16;
const big = openSync(join(share, 'big'), 'w');
const chunk = Buffer.alloc(1 << 20, 0x5a);
for (let i = 0; i < BIG_MIB; i++) writeSync(big, chunk);
closeSync(big);

interface Recorded {
  firstCallMs: number;
  factsMs: number;
  status: number | null;
  events: number;
  calls: number;
  lost: number;
  stderr: string;
}

/** `pinscope record ARGS` from the bundle; when the first call row and the facts line appeared. */
function cliRecord(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Recorded> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'record', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let firstCallMs = NaN;
    let factsMs = NaN;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (Number.isNaN(firstCallMs) && /^\s+\d+\s+\d+ .*(UBUF|IOVEC)/m.test(stdout)) firstCallMs = performance.now() - t0;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (Number.isNaN(factsMs) && /^pinscope: target: /m.test(stderr)) factsMs = performance.now() - t0;
    });
    child.on('close', (status) => {
      const m = /recorded (\d+) events, (\d+) call\(s\), (\d+) lost/.exec(stderr);
      resolve({ firstCallMs, factsMs, status, events: Number(m?.[1] ?? NaN), calls: Number(m?.[2] ?? NaN), lost: Number(m?.[3] ?? NaN), stderr });
    });
  });
}

/** Seconds of trace time from the first to the last event. */
function traceSeconds(path: string): number {
  let first = NaN;
  let last = NaN;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*\S.*?\[\d+\]\s+\S+\s+(\d+\.\d+):/.exec(line);
    if (!m) continue;
    if (Number.isNaN(first)) first = Number(m[1]);
    last = Number(m[1]);
  }
  return last - first;
}

/** The bare guest: ms from starting the target command to the first byte of the script's output. */
function bareGuestMs(): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [GUEST_TARGET, '--share', share], { stdio: ['pipe', 'pipe', 'ignore'] });
    let ms = NaN;
    child.stdout.once('data', () => (ms = performance.now() - t0));
    child.stdin.end('echo up\n');
    child.on('close', () => resolve(ms));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The guest with dropbear on 127.0.0.1:PORT, up until end(); an ssh of our own (key, config) on PATH. */
async function sshGuest() {
  const dir = join(root, 'ssh');
  const state = join(root, 'state');
  mkdirSync(dir);
  mkdirSync(state);
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  writeFileSync(join(state, 'authorized_keys'), readFileSync(join(dir, 'key.pub')));
  const config = join(dir, 'config');
  writeFileSync(config, `Host *\n  IdentityFile ${join(dir, 'key')}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`);
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`);
  chmodSync(join(dir, 'ssh'), 0o755);
  const port = await freePort();
  const guest = spawn(process.execPath, [GUEST_TARGET, '--state', state, '--share', share, '--ssh-port', String(port), '--timeout', '1200'], { stdio: ['pipe', 'pipe', 'ignore'] });
  guest.stdin.write('echo sshd-ready; read _\n');
  await new Promise<void>((resolve) => {
    let out = '';
    guest.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('sshd-ready') && resolve()));
  });
  const sshArgs = ['-F', config, '-p', String(port), 'root@127.0.0.1'];
  return {
    target: `ssh://root@127.0.0.1:${port}`,
    env: { PATH: `${dir}:${process.env.PATH}` },
    run: (command: string) => spawnSync('/usr/bin/ssh', [...sshArgs, command], { encoding: 'utf8' }),
    end: () => new Promise<void>((resolve) => (guest.on('close', () => resolve()), guest.stdin.end('\n'))),
  };
}

/** Two dd readers over their own 8 MiB of the big file, bs each read: as fast as they can. */
function workload(bs: number): { script: string; calls: number } {
  const each = Math.floor((8 << 20) / bs);
  const script = [0, 1].map((i) => `dd if=/mnt/share/big of=/dev/null bs=${bs} count=${each} skip=${i * each} 2>/dev/null &`).join(' ') + ' wait';
  return { script, calls: 2 * each };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const SIZES = [4096, 65536, 1 << 20];

void (async () => {
  console.log('(the machine is shared: timings are noisy, ratios are against a baseline from this run)');

  // Round trip with the guest target command: the VM boots inside the round trip. The bare boot before and after it.
  const bareBefore = await bareGuestMs();
  const dd = 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3 && dd if=/mnt/share/f of=/dev/null bs=16k count=4';
  const viaGuest = await cliRecord(['--target-command', `${process.execPath} ${GUEST_TARGET} --share ${share}`, '-o', join(root, 'rt-guest.trace'), '--', 'sh', '-c', dd]);
  const bareAfter = await bareGuestMs();
  const bare = (bareBefore + bareAfter) / 2;
  console.log(
    `round trip, guest target command (boots the VM): Record → first replayed call ${s(viaGuest.firstCallMs)} (→ facts ${s(viaGuest.factsMs)}); ` +
      `baseline, the bare guest's boot → first output ${s(bare)} (${s(bareBefore)} before, ${s(bareAfter)} after): ${(viaGuest.firstCallMs / bare).toFixed(2)}×; ` +
      `the recording's own part (facts → first call: plan, setup, the workload's first call, its flush) ${s(viaGuest.firstCallMs - viaGuest.factsMs)} (exit ${viaGuest.status})`,
  );

  const guest = await sshGuest();
  try {
    // Round trip over SSH to a guest already up.
    const t0 = performance.now();
    guest.run('true');
    const sshTrue = performance.now() - t0;
    const viaSsh = await cliRecord(['--target', guest.target, '-o', join(root, 'rt-ssh.trace'), '--', 'sh', '-c', dd], guest.env);
    console.log(
      `round trip, SSH to the running guest: Record → first replayed call ${s(viaSsh.firstCallMs)} (→ facts ${s(viaSsh.factsMs)}); ` +
        `baseline, ssh host true ${s(sshTrue)}: ${(viaSsh.firstCallMs / sshTrue).toFixed(1)}×; facts → first call ${s(viaSsh.firstCallMs - viaSsh.factsMs)} (exit ${viaSsh.status})`,
    );

    // The size a fresh instance's buffer gets (the recording's; this guest is the bench's own).
    const kb = guest.run('t=/sys/kernel/tracing/instances/bench; mkdir $t && cat $t/buffer_size_kb; rmdir $t').stdout.trim();
    console.log(`a tracefs instance's buffer in the guest: ${kb} KiB per CPU`);
    // The stream: the same workload untraced (baseline, before and after), recorded over SSH in between.
    for (const bs of SIZES) {
      const { script, calls } = workload(bs);
      const untraced = () => {
        const timed = guest.run(`a=$(cut -d' ' -f1 /proc/uptime); ${script}; b=$(cut -d' ' -f1 /proc/uptime); echo "$a $b"`);
        const [a, b] = timed.stdout.trim().split(' ').map(Number) as [number, number];
        return calls / (b - a);
      };
      const before = untraced();
      const output = join(root, `rate-ssh-${bs}.trace`);
      const r = await cliRecord(['--target', guest.target, '-o', output, '--', 'sh', '-c', script], guest.env);
      const after = untraced();
      const base = Math.max(before, after);
      const span = traceSeconds(output);
      console.log(
        `stream over SSH, 2 dd readers, bs=${bs / 1024} KiB, ${calls} calls: ${r.events} events in ${span.toFixed(2)} s of trace time = ${Math.round(r.events / span)} events/s ` +
          `(${(r.events / r.calls).toFixed(1)} per call), ${r.lost} lost; ${Math.round(r.calls / span)} calls/s recorded, baseline untraced ${Math.round(base)} calls/s ` +
          `(${Math.round(before)} before, ${Math.round(after)} after): ${(r.calls / span / base).toFixed(2)}× (exit ${r.status})`,
      );
    }
  } finally {
    await guest.end();
  }
  for (const bs of [SIZES[0]!, SIZES[SIZES.length - 1]!]) {
    const { script, calls } = workload(bs);
    const output = join(root, `rate-guest-${bs}.trace`);
    const r = await cliRecord(['--target-command', `${process.execPath} ${GUEST_TARGET} --share ${share}`, '-o', output, '--', 'sh', '-c', script]);
    const span = traceSeconds(output);
    console.log(
      `stream over the guest target's virtio port, bs=${bs / 1024} KiB, ${calls} calls: ${r.events} events in ${span.toFixed(2)} s = ${Math.round(r.events / span)} events/s, ${r.lost} lost (exit ${r.status})`,
    );
  }
})();
