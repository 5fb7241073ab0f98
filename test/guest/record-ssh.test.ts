// `pinscope record --target ssh://…` over a real SSH connection: the guest's
// dropbear behind qemu user networking, forwarded to 127.0.0.1 only, reached by
// the ssh on PATH (the user's own, with a config of its own here so the real
// ~/.ssh is not touched). The calls are recorded, replayed to a match, and
// tracefs is left exactly as found; a connection lost mid-recording (ssh
// killed) is cleaned up by the target by itself, seen through a second
// connection. The same boot also runs the local target's own command line
// (`sh -s` as root) on the guest, so the script --target local sends and its
// cleanup are proven on a real kernel with pipes for stdin and stdout.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { targetArgv } from '../../extension/node/record-session';
import { shQuote } from '../../extension/record/script';
import { pinscope } from '../support/cli';
import { assertLeftAsFound, DD, DD_CALLS, GUEST_TARGET, guestRun, pinscopeRecord, printedCalls, traceText, type GuestRun } from '../support/guest';

interface SshGuest {
  readonly port: number;
  /** PATH with the test's ssh first. */
  readonly env: NodeJS.ProcessEnv;
  /** The ssh command line, for --target-command. */
  readonly sshCommand: string;
  /** A second connection: runs COMMAND in the guest, returns its stdout. */
  run(command: string): string;
  /** Lets the guest capture tracefs "after" and power off. */
  end(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Boots the guest with dropbear on 127.0.0.1:PORT; it stays up (sshd running) until end(). */
async function sshGuest(run: GuestRun): Promise<SshGuest> {
  const dir = join(run.share, '..', 'ssh');
  mkdirSync(dir);
  assert.equal(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]).status, 0);
  writeFileSync(join(run.state, 'authorized_keys'), readFileSync(join(dir, 'key.pub')));
  // Key, and no host-key prompt for a fresh guest.
  const config = join(dir, 'config');
  writeFileSync(config, `Host *\n  IdentityFile ${join(dir, 'key')}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`);
  writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F ${config} "$@"\n`);
  chmodSync(join(dir, 'ssh'), 0o755);
  const port = await freePort();
  // The guest session's script: sshd is up, then it waits for a line before capturing "after" and powering off.
  const guest: ChildProcess = spawn(process.execPath, [GUEST_TARGET, '--state', run.state, '--share', run.share, '--ssh-port', String(port)], { stdio: ['pipe', 'pipe', 'ignore'] });
  guest.stdin!.write('echo sshd-ready; read _\n');
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the guest did not come up')), 90_000);
    guest.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('sshd-ready')) (clearTimeout(timer), resolve());
    });
  });
  const sshArgs = ['-F', config, '-p', String(port), 'root@127.0.0.1'];
  return {
    port,
    env: { PATH: `${dir}:${process.env.PATH}` },
    sshCommand: ['/usr/bin/ssh', '-T', ...sshArgs].map(shQuote).join(' '),
    run(command) {
      const r = spawnSync('/usr/bin/ssh', [...sshArgs, command], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
      assert.equal(r.status, 0, `ssh ${command}: ${r.stderr}`);
      return r.stdout;
    },
    end: () => guest.stdin!.end('\n'),
  };
}

/** What of Pinscope's is on the guest now: its instances, its probes, a workload still sleeping. */
const PINSCOPE_LEFT = `cd /sys/kernel/tracing; ls instances | grep pinscope; grep pinscope kprobe_events dynamic_events; ps -o args | grep '^sleep 600'; true`;

/** The pid of the ssh that pinscope (pid) started. */
function sshChildOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
  const ssh = children.find((c) => readFileSync(`/proc/${c}/comm`, 'utf8').trim() === 'ssh');
  assert.ok(ssh, `pinscope (${pid}) has an ssh child (children: ${children.join(' ')})`);
  return ssh;
}

describe('pinscope record over SSH on a real 6.12 kernel (dropbear in the qemu guest, 127.0.0.1 only)', function () {
  this.timeout(180_000);

  it('--target ssh://root@127.0.0.1:PORT with the ssh on PATH: busybox dd\'s calls are recorded, printed as they complete, replay to a match later, and tracefs is left as found', async () => {
    const run = guestRun();
    const guest = await sshGuest(run);
    const output = join(run.share, '..', 'ssh.trace.gz');
    try {
      const rec = pinscopeRecord(['--target', `ssh://root@127.0.0.1:${guest.port}`, '-o', output, '--', 'sh', '-c', DD], guest.env);
      assert.equal(await rec.exit, 0, rec.stderr);
      assert.match(rec.stderr, new RegExp(`recording kprobe on ssh://root@127\\.0\\.0\\.1:${guest.port}`));
      assert.deepEqual(printedCalls(rec.stdout), DD_CALLS.map((input) => ({ input, verdict: 'match' })));
      assert.match(rec.stderr, /recorded \d+ events, 6 call\(s\), 0 lost, in [\d.]+ s; the target was cleaned up/);
      const sidecar = JSON.parse(readFileSync(`${output}.pinscope.json`, 'utf8'));
      assert.equal(sidecar.target, `ssh://root@127.0.0.1:${guest.port}`);
      assert.equal(sidecar.cleanup, 'done');
      assert.match(traceText(output).split('\n')[0]!, /^# pinscope: kernel_release=6\.12\.\d+\+deb12-amd64 arch=x86_64$/);
      // Kept: the saved file replays like any trace.
      const replay = pinscope('replay', output);
      assert.equal(replay.status, 0, replay.stderr);
      assert.match(replay.stdout, /6 match, 0 mismatch, 0 incomplete/);
      assert.equal(guest.run(PINSCOPE_LEFT), '', 'nothing of the recording is left while the guest is still up');
    } finally {
      guest.end();
    }
    await assertLeftAsFound(run);
  });

  it('a lost connection (ssh killed mid-recording): pinscope says so and exits 1, and the target cleans up by itself — seen through a second connection', async () => {
    const run = guestRun();
    const guest = await sshGuest(run);
    try {
      const rec = pinscopeRecord(['--target', `ssh://root@127.0.0.1:${guest.port}`, '-o', join(run.share, '..', 'lost.trace'), '--', 'sh', '-c', 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3; sleep 600'], guest.env);
      await rec.waitFor(/(write 8192[^\n]*\n[^\n]*){3}/);
      // While recording, the second connection sees the recording's instance, probes and workload.
      assert.match(guest.run(PINSCOPE_LEFT), /^pinscope-[0-9a-f]+\n(.|\n)*kprobe_events:p:pinscope_[0-9a-f]+\/xui_entry (.|\n)*\nsleep 600\n$/);
      process.kill(sshChildOf(rec.child.pid!), 'SIGKILL');
      assert.equal(await rec.exit, 1, rec.stderr);
      assert.match(rec.stderr, /the target stopped \(killed by SIGKILL\) before the recording ended/);
      assert.match(rec.stderr, /the recording did not end normally; what arrived is in /);
      // dropbear closes the script's stdin and stdout; the script notices within its heartbeat and cleans up.
      const deadline = Date.now() + 20_000;
      let left = guest.run(PINSCOPE_LEFT);
      while (left !== '' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        left = guest.run(PINSCOPE_LEFT);
      }
      assert.equal(left, '', 'the target removed its instance and probes and ended the workload by itself');
    } finally {
      guest.end();
    }
    await assertLeftAsFound(run);
  });

  it('the local target\'s own command line (as root) run in the guest: the script --target local sends records and replays to a match, and cleans up', async function () {
    // As root, targetArgv gives what --target local runs (not sudo): we are root in these tests, as on the guest.
    if (process.getuid?.() !== 0) this.skip();
    const local = targetArgv({ kind: 'local' });
    const run = guestRun();
    const guest = await sshGuest(run);
    try {
      // Word for word on the guest (node is not there to run pinscope itself); ssh only carries stdin and stdout.
      const rec = pinscopeRecord(['--target-command', `${guest.sshCommand} -- ${local.map(shQuote).join(' ')}`, '-o', join(run.share, '..', 'local.trace'), '--', 'sh', '-c', DD]);
      assert.equal(await rec.exit, 0, rec.stderr);
      assert.deepEqual(printedCalls(rec.stdout), DD_CALLS.map((input) => ({ input, verdict: 'match' })));
      assert.match(rec.stderr, /the target was cleaned up/);
    } finally {
      guest.end();
    }
    await assertLeftAsFound(run);
  });
});
