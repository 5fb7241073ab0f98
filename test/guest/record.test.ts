// `pinscope record` on a real kernel: Debian's 6.12 in Pinscope's test guest
// under qemu. busybox dd on a 9p share (cache=none) makes real calls of
// netfs_extract_user_iter; they are recorded, printed as they complete, and
// replayed to a match. On every way a recording can end — the workload's exit
// (a failing one), Stop, Cancel, an error in a step, a lost connection — the
// guest's tracefs (kprobe_events, dynamic_events, instances, the global
// tracer, enabled events) is afterwards exactly as before, a user's own probes,
// instance and tracer included. Before and after are captured in the same boot.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertLeftAsFound, DD, DD_CALLS, GUEST_TARGET, guestRun, HOST_BPFTRACE, pinscopeRecord, printedCalls, traceText, tracefsStates } from '../support/guest';

describe('pinscope record on a real 6.12 kernel (qemu guest)', function () {
  this.timeout(180_000);

  for (const kind of ['kprobe', 'fprobe', 'function_graph'] as const) {
    it(`${kind}: records busybox dd's calls on the 9p share, prints them as they complete, replays them to a match; a failing workload still keeps the trace, and tracefs is left as found`, async () => {
      const run = guestRun();
      const output = join(run.share, '..', `dd.${kind}.trace.gz`);
      const started = Date.now();
      const rec = pinscopeRecord(['--target-command', run.command, '--kind', kind, '-o', output, '--', 'sh', '-c', `${DD}; exit 3`]);
      let firstCallMs: number | null = null;
      void rec.waitFor(/\bmatch\b/).then(() => (firstCallMs = Date.now() - started), () => undefined);
      const code = await rec.exit;
      assert.equal(code, 0, rec.stderr);
      assert.deepEqual(printedCalls(rec.stdout), DD_CALLS.map((input) => ({ input, verdict: 'match' })));
      assert.match(rec.stdout, /6 match, 0 mismatch, 0 incomplete/);
      assert.match(rec.stderr, /the workload exited with status 3/);
      const text = traceText(output);
      assert.match(text.split('\n')[0]!, /^# pinscope: kernel_release=6\.12\.\d+\+deb12-amd64 arch=x86_64$/);
      assert.ok(!/# pinscope-/.test(text), 'messages are not written into the trace');
      const sidecar = JSON.parse(readFileSync(`${output}.pinscope.json`, 'utf8'));
      assert.equal(sidecar.kernel_release, text.split('\n')[0]!.split('=')[1]!.split(' ')[0]);
      assert.equal(sidecar.kind, kind);
      assert.equal(sidecar.workload_exit, 3);
      assert.equal(sidecar.cleanup, 'done');
      assert.equal(sidecar.facts.traceable, 'yes');
      // The same file, read again by pinscope replay, gives the same calls.
      await assertLeftAsFound(run);
      if (firstCallMs !== null) console.log(`      (Record → first replayed call: ${(firstCallMs / 1000).toFixed(1)} s, boot included)`);
    });
  }

  // The guest has no bpftrace of its own: it runs this machine's (Debian bookworm's 0.17) from the host's root
  // share. scripts/ensure-host-bpftrace.sh installs it; without it the test cannot run here and says so.
  describe('--kind bpftrace, with the host\'s bpftrace in the guest', function () {
    // bpftrace loads LLVM from the 9p share and compiles under TCG: 1–2 minutes a test on a loaded host.
    this.timeout(300_000);
    before(function () {
      if (!existsSync(HOST_BPFTRACE)) {
        console.log(`      (no ${HOST_BPFTRACE} on this machine: bash scripts/ensure-host-bpftrace.sh installs it)`);
        this.skip();
      }
    });

    it('records busybox dd\'s calls with the dialect of the target\'s bpftrace, replays them to a match, keeps the trace when the workload fails, and leaves tracefs (kprobe_events too) as found', async () => {
      const run = guestRun({ bpftrace: true });
      const output = join(run.share, '..', 'dd.bpftrace.trace');
      const rec = pinscopeRecord(['--target-command', run.command, '--kind', 'bpftrace', '-o', output, '--', 'sh', '-c', `${DD}; exit 3`]);
      const code = await rec.exit;
      assert.equal(code, 0, rec.stderr);
      const version = /bpftrace_version=bpftrace v(\d+)\.(\d+)/.exec(rec.stderr);
      assert.ok(version, `the probe reports bpftrace's version:\n${rec.stderr}`);
      const expected = Number(version[2]) >= 20 ? 'fentry' : Number(version[2]) === 19 ? 'kfunc-dot' : 'kfunc-arrow';
      assert.match(rec.stderr, new RegExp(`bpftrace dialect: ${expected} \\(bpftrace ${version[1]}\\.${version[2]}`));
      // bpftrace prints each CPU's buffer as it drains it, not merged by time as tracefs is: the last write
      // (on one vCPU) may come out after the first read (on the other). The calls, not their order across CPUs.
      const byInput = (a: { input: string }, b: { input: string }) => a.input.localeCompare(b.input);
      assert.deepEqual(printedCalls(rec.stdout).sort(byInput), DD_CALLS.map((input) => ({ input, verdict: 'match' })).sort(byInput));
      assert.match(rec.stdout, /bpftrace, \d+ lines, 6 call\(s\)/);
      assert.match(rec.stdout, /6 match, 0 mismatch, 0 incomplete/);
      assert.match(rec.stderr, /the workload exited with status 3/);
      const text = traceText(output);
      assert.match(text.split('\n')[0]!, /^# pinscope: kernel_release=6\.12\.\d+\+deb12-amd64 arch=x86_64$/);
      assert.ok(!/# pinscope-/.test(text), 'messages are not written into the trace');
      // The bvecs bpftrace read are in the trace, one line each (4 pages a read, 2 a write).
      assert.equal(text.split('\n').filter((l) => l.startsWith('xui_bvec ')).length, 3 * 2 + 3 * 4);
      const sidecar = JSON.parse(readFileSync(`${output}.pinscope.json`, 'utf8'));
      assert.equal(sidecar.kind, 'bpftrace');
      assert.equal(sidecar.bpftrace.dialect, expected);
      assert.equal(sidecar.workload_exit, 3);
      assert.equal(sidecar.cleanup, 'done');
      assert.deepEqual(sidecar.probes, []);
      await assertLeftAsFound(run);
    });

    it('Stop (Ctrl-C) while the workload runs, with a bpftrace whose version cannot be read: the kprobe dialect records, SIGINT ends bpftrace, the calls so far are kept and replayed, tracefs is left as found', async () => {
      const run = guestRun({ bpftrace: true, bpftraceVersion: 'bpftrace (a build without a version)' });
      const output = join(run.share, '..', 'stop.bpftrace.trace');
      const rec = pinscopeRecord(['--target-command', run.command, '--kind', 'bpftrace', '-o', output, '--', 'sh', '-c', 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3; sleep 600']);
      await rec.waitFor(/(write 8192[^\n]*\n[^\n]*){3}/, 150_000);
      rec.child.kill('SIGINT');
      assert.equal(await rec.exit, 0, rec.stderr);
      assert.match(rec.stderr, /bpftrace dialect: kprobe \(bpftrace \(version "bpftrace \(a build without a version\)" not readable\)/);
      assert.deepEqual(printedCalls(rec.stdout), DD_CALLS.slice(0, 3).map((input) => ({ input, verdict: 'match' })));
      const sidecar = JSON.parse(readFileSync(`${output}.pinscope.json`, 'utf8'));
      assert.equal(sidecar.end, 'stop');
      assert.equal(sidecar.cleanup, 'done');
      await assertLeftAsFound(run);
    });

    it('a lost connection while bpftrace records (pinscope killed): the target stops bpftrace and cleans up by itself', async () => {
      const run = guestRun({ bpftrace: true });
      const rec = pinscopeRecord(['--target-command', run.command, '--kind', 'bpftrace', '-o', join(run.share, '..', 'lost.bpftrace.trace'), '--', 'sh', '-c', 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3; sleep 600']);
      await rec.waitFor(/write 8192/, 150_000);
      rec.child.kill('SIGKILL');
      await rec.exit;
      const { status } = await tracefsStates(run);
      assert.equal(status, 0, 'the recording script ended by itself, through its cleanup');
      await assertLeftAsFound(run);
    });
  });

  it('--kind bpftrace on a target without bpftrace: exit 2 with the reason, nothing changed there', async () => {
    const run = guestRun();
    const rec = pinscopeRecord(['--target-command', run.command, '--kind', 'bpftrace', '-o', join(run.share, '..', 'nobt.trace'), '--', 'sh', '-c', DD]);
    assert.equal(await rec.exit, 2, rec.stderr);
    assert.match(rec.stderr, /the target cannot record bpftrace:\n {2}- bpftrace is not installed on the target/);
    assert.match(rec.stderr, /bpftrace=none/);
    assert.ok(!existsSync(join(run.share, 'f')), 'the workload did not run');
    await assertLeftAsFound(run);
  });

  it('Stop (Ctrl-C) while the workload runs: the calls so far are kept and replayed, the workload is ended, tracefs is left as found', async () => {
    const run = guestRun();
    const output = join(run.share, '..', 'stop.trace');
    // The workload's words reach busybox sh as they were: none of them runs.
    const words = ['$(touch /mnt/share/pwned)', "it's", 'a;b', 'two\nlines', '*'];
    const rec = pinscopeRecord(['--target-command', run.command, '-o', output, '--', 'sh', '-c', 'printf "%s|" "$@" > /mnt/share/args; dd if=/dev/zero of=/mnt/share/f bs=8k count=3; sleep 600', '_', ...words]);
    // The last of each task's calls is printed once the stream has been quiet a second, not only at the end.
    await rec.waitFor(/(write 8192[^\n]*\n[^\n]*){3}/);
    rec.child.kill('SIGINT');
    assert.equal(await rec.exit, 0, rec.stderr);
    // printf's write of the words to the share is a call too.
    const printed = Buffer.byteLength(words.map((w) => `${w}|`).join(''));
    assert.deepEqual(printedCalls(rec.stdout), [`UBUF write ${printed}`, ...DD_CALLS.slice(0, 3)].map((input) => ({ input, verdict: 'match' })));
    assert.match(rec.stderr, /recorded \d+ events, 4 call\(s\), 0 lost/);
    const sidecar = JSON.parse(readFileSync(`${output}.pinscope.json`, 'utf8'));
    assert.equal(sidecar.end, 'stop');
    assert.equal(readFileSync(join(run.share, 'args'), 'utf8'), words.map((w) => `${w}|`).join(''));
    assert.ok(!existsSync(join(run.share, 'pwned')));
    await assertLeftAsFound(run);
  });

  it('Cancel (Ctrl-C twice): the trace is discarded and tracefs is left as found', async () => {
    const run = guestRun();
    const output = join(run.share, '..', 'cancel.trace');
    const rec = pinscopeRecord(['--target-command', run.command, '-o', output, '--', 'sh', '-c', 'sleep 600']);
    await rec.waitFor(/recording into/);
    rec.child.kill('SIGINT');
    await rec.waitFor(/stopping/);
    rec.child.kill('SIGINT');
    assert.equal(await rec.exit, 1);
    assert.match(rec.stderr, /cancelled; the trace was discarded/);
    assert.ok(!existsSync(output));
    await assertLeftAsFound(run);
  });

  it('an error in a step after the probes are defined and enabled: exit 2 with the reason, and everything it had set up is removed', async () => {
    const run = guestRun();
    const rec = pinscopeRecord(['--target-command', run.command, '-o', join(run.share, '..', 'fail.trace'), '--fail-after-setup', '--', 'sh', '-c', DD]);
    assert.equal(await rec.exit, 2, rec.stderr);
    assert.match(rec.stderr, /the target cannot record kprobe:\n {2}- the step after setting up \(asked to fail here\)/);
    await assertLeftAsFound(run);
  });

  it('a lost connection (pinscope killed while recording): the target sees its stdin and stdout go and cleans up by itself', async () => {
    const run = guestRun();
    const rec = pinscopeRecord(['--target-command', run.command, '-o', join(run.share, '..', 'lost.trace'), '--', 'sh', '-c', 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3; sleep 600']);
    await rec.waitFor(/write 8192/);
    rec.child.kill('SIGKILL');
    await rec.exit;
    // The guest goes on without us: it cleans up, captures the state and powers off.
    const { status } = await tracefsStates(run);
    assert.equal(status, 0, 'the recording script ended by itself, through its cleanup');
    await assertLeftAsFound(run);
  });

  it('a target that goes quiet (its output cut off): pinscope gives up after the idle timeout, and the target, its stdin gone, cleans up', async () => {
    const run = guestRun();
    // dd passes the first bytes (the facts, a few heartbeats) and quits: nothing more arrives, the guest is still recording.
    const rec = pinscopeRecord(['--target-command', `${run.command} | dd bs=1 count=700 2>/dev/null`, '--idle-timeout', '4', '-o', join(run.share, '..', 'quiet.trace'), '--', 'sh', '-c', 'sleep 600']);
    assert.equal(await rec.exit, 1, rec.stderr);
    assert.match(rec.stderr, /the target sent nothing for \d+ s: connection lost/);
    await assertLeftAsFound(run);
  });
});
