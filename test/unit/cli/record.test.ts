// `pinscope record` without a kernel to record on: the usage errors, a real
// shell that is not root (exit 2, the reason, nothing done), --target local
// for real on a machine without tracefs (a container), a command that is no
// shell at all.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/fixtures';
import { pinscope } from '../../support/cli';

describe('pinscope record (CLI)', () => {
  it('usage errors exit 2 and name the option', () => {
    for (const [args, message] of [
      [[], /give --target-command CMD, --target local or --target ssh/],
      [['--target', 'ftp://x'], /--target: expected local or ssh:\/\//],
      [['--target', 'local', '--target-command', 'sh'], /not both/],
      [['--target-command', 'sh', '--kind', 'perf'], /--kind: expected kprobe, fprobe, function_graph/],
      [['--target-command', 'sh', '--duration', '0'], /--duration/],
      [['--target-command', 'sh', 'stray'], /the workload goes after --/],
    ] as const) {
      const run = pinscope('record', ...args);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
    }
  });

  it('a shell that is not root: exit 2, says why, and never reaches the recording', function () {
    if (spawnSync('setpriv', ['--version']).status !== 0) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-record-'));
    const output = join(dir, 'x.trace');
    const run = pinscope('record', '--target-command', 'setpriv --reuid=65534 --regid=65534 --clear-groups sh -s', '-o', output);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /the target cannot record kprobe:\n {2}- root: the script does not run as root/);
    assert.match(run.stderr, /target: Linux \S+ \S+; root=no/);
    assert.ok(!existsSync(output), 'no trace file for a recording that never began');
  });

  it('--target local as root on a machine without tracefs: the probe phase says so plainly, exit 2, and nothing is changed', function () {
    // Where this machine can trace (tracefs mounted) or we are not root, --target local would record or ask sudo: the guest tests cover recording.
    const tracefs = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'].some((d) => existsSync(join(d, 'trace_pipe')));
    if (process.getuid?.() !== 0 || tracefs) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-record-local-'));
    const scratch = mkdtempSync(join(tmpdir(), 'pinscope-record-tmp-'));
    const output = join(dir, 'x.trace');
    // The target's TMPDIR is this folder: the recording part (its temporary folder) never runs.
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'extension/cli/main.ts'), 'record', '--target', 'local', '-o', output], {
      encoding: 'utf8',
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: scratch },
    });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /recording kprobe on this machine/);
    assert.match(run.stderr, /target: Linux \S+ \S+; root=yes tracefs=none /);
    assert.match(run.stderr, /the target cannot record kprobe:\n {2}- tracefs is not mounted \(mount -t tracefs nodev \/sys\/kernel\/tracing\)/);
    assert.doesNotMatch(run.stderr, /recording into/);
    assert.deepEqual(readdirSync(dir), [], 'no trace and no sidecar');
    assert.deepEqual(readdirSync(scratch).filter((name) => name.startsWith('pinscope')), [], 'no temporary folder of the recording');
    assert.ok(!['/sys/kernel/tracing', '/sys/kernel/debug/tracing'].some((d) => existsSync(join(d, 'trace_pipe'))), 'tracefs is still not mounted');
  });

  it('a target command that does not run the script says so', () => {
    const run = pinscope('record', '--target-command', 'true', '-o', join(tmpdir(), 'never.trace'));
    assert.equal(run.status, 1);
    assert.match(run.stderr, /exited \(0\) without answering: does it run a script from its stdin with sh\?/);
  });
});
