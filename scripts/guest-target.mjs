#!/usr/bin/env node
// A recording target of the third kind ("a command that runs a shell script read
// from its stdin as root and streams its stdout back", like `vng --exec`): boots
// Pinscope's test guest (scripts/ensure-guest.sh) under qemu, runs what arrives on
// stdin there with busybox sh as root, streams the script's stdout back as it is
// written, and exits with the script's status.
//
//   guest-target [--share DIR] [--state DIR] [--timeout SECONDS] [--ssh-port PORT] [--host-root]
//
// --share DIR   host folder mounted at /mnt/share in the guest (9p, cache=none:
//               plain read()/write() there call netfs_extract_user_iter); default
//               an empty temporary folder.
// --state DIR   control folder (/mnt/ctl): the guest runs DIR/seed.sh first if it
//               exists, and writes DIR/before and DIR/after, the tracefs state
//               before and after the script (tests compare them).
// --timeout S   power the guest off after S seconds (default 600); exit 124.
// --ssh-port P  qemu user networking with 127.0.0.1:P forwarded to the guest's
//               dropbear on port 22, which lets in the keys in DIR/authorized_keys.
// --host-root   this machine's / shared read-only as the 9p tag pinscope_host (a
//               test's seed.sh mounts it, e.g. to run the host's bpftrace there).
//
// Channels: stdin goes to the virtio port pinscope.in (a unix socket on this side;
// qemu holds the bytes until the guest opens the port), the port pinscope.out
// comes back on stdout. When stdin ends the guest sees EOF; when stdout goes away
// (a reader that quit) the guest's output is read and dropped. The console
// (kernel messages, the script's stderr) goes to stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { share: { type: 'string' }, state: { type: 'string' }, timeout: { type: 'string', default: '600' }, 'ssh-port': { type: 'string' }, 'host-root': { type: 'boolean', default: false } },
});

const built = spawnSync('bash', [join(here, 'ensure-guest.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (built.status !== 0) {
  process.stderr.write('guest-target: the test guest could not be built\n');
  process.exit(125);
}
const guest = built.stdout.trim().split('\n').pop();

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-guest-'));
const share = values.share ? resolve(values.share) : join(scratch, 'share');
const state = values.state ? resolve(values.state) : join(scratch, 'ctl');
for (const dir of [share, state]) spawnSync('mkdir', ['-p', dir]);
rmSync(join(state, 'status'), { force: true });
if (values.state) writeFileSync(join(state, 'want-snapshots'), '');
const inSocket = join(scratch, 'in.sock');
const outSocket = join(scratch, 'out.sock');

const qemu = spawn(
  'qemu-system-x86_64',
  [
    '-machine', 'q35', '-accel', 'tcg,thread=single', '-cpu', 'max,la57=off', '-smp', '2', '-m', '1G',
    '-nodefaults', '-no-reboot', '-display', 'none', '-monitor', 'none',
    ...(values['ssh-port'] ? ['-nic', `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${Number(values['ssh-port'])}-:22`] : ['-nic', 'none']),
    '-kernel', join(guest, 'vmlinuz'), '-initrd', join(guest, 'initramfs.cpio.gz'),
    '-append', 'console=ttyS0 nokaslr no5lvl panic=-1 quiet',
    '-serial', 'stdio',
    '-device', 'virtio-serial',
    '-chardev', `socket,id=pin,path=${inSocket},server=on,wait=off`,
    '-device', 'virtserialport,chardev=pin,name=pinscope.in',
    '-chardev', `socket,id=pout,path=${outSocket},server=on,wait=off`,
    '-device', 'virtserialport,chardev=pout,name=pinscope.out',
    '-virtfs', `local,path=${state},mount_tag=pinscope_ctl,security_model=none,id=ctl`,
    '-virtfs', `local,path=${share},mount_tag=pinscope_share,security_model=none,id=share`,
    ...(values['host-root'] ? ['-virtfs', 'local,path=/,mount_tag=pinscope_host,security_model=none,readonly=on,id=host'] : []),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
qemu.stdout.pipe(process.stderr);

const timeout = setTimeout(() => {
  process.stderr.write(`guest-target: timed out after ${values.timeout} s; powering the guest off\n`);
  timedOut = true;
  qemu.kill('SIGTERM');
}, Number(values.timeout) * 1000);
let timedOut = false;

/** Connects once qemu has made the socket (it does so before the guest boots). */
function connectWhenReady(path) {
  return new Promise((resolveSocket, reject) => {
    const started = Date.now();
    const attempt = () => {
      if (qemu.exitCode !== null) return reject(new Error('qemu exited'));
      if (!existsSync(path)) return void setTimeout(attempt, 20);
      const socket = connect(path);
      socket.once('connect', () => resolveSocket(socket));
      socket.once('error', (error) => {
        if (Date.now() - started > 10_000) reject(error);
        else setTimeout(attempt, 20);
      });
    };
    attempt();
  });
}

try {
  const [input, output] = await Promise.all([connectWhenReady(inSocket), connectWhenReady(outSocket)]);
  input.on('error', () => undefined);
  output.on('error', () => undefined);
  process.stdin.pipe(input);
  output.pipe(process.stdout);
  // Our reader went away: what the guest writes from now on goes nowhere. (Closing the
  // port would not fail the guest's writes, as a pipe's would: they would block.)
  process.stdout.on('error', () => {
    output.unpipe(process.stdout);
    output.resume();
  });
} catch (error) {
  process.stderr.write(`guest-target: cannot reach the guest's ports: ${error.message}\n`);
}

qemu.on('exit', (code, signal) => {
  clearTimeout(timeout);
  const statusFile = join(state, 'status');
  let status = 125;
  if (timedOut) status = 124;
  else if (existsSync(statusFile)) status = Number(readFileSync(statusFile, 'utf8').trim());
  else process.stderr.write(`guest-target: the guest stopped (qemu ${code ?? signal}) before the script finished\n`);
  rmSync(scratch, { recursive: true, force: true });
  // Let stdout drain before exiting with the script's status.
  process.stdout.write('', () => process.exit(status));
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => qemu.kill('SIGTERM'));
