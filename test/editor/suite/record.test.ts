// Pinscope: Record Trace… in a real VS Code, recording from a real kernel:
// Pinscope's test guest (Debian 6.12 under qemu) as a target command. The
// pickers are skipped with a preset; the rest is the command as a user runs
// it: the status bar item while it records, the gzip'd trace and its sidecar
// under .pinscope/traces/, the trace loaded into the Traces view with every
// call replayed to a match, the guest's tracefs as it was.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as vscode from 'vscode';
import type { PinscopeApi } from '../../../extension/client/extension';

const REPO_ROOT = join(__dirname, '..', '..', '..');

describe('Pinscope: Record Trace… on a real kernel (qemu guest)', function () {
  this.timeout(240_000);
  let api: PinscopeApi;
  let saved: string | null = null;

  before(async () => {
    api = (await vscode.extensions.getExtension('pinscope.pinscope')!.activate()) as PinscopeApi;
    await api.ready;
  });

  after(() => {
    if (saved) rmSync(join(saved, '..', '..'), { recursive: true, force: true });
  });

  it('records busybox dd in the guest, shows the progress in the status bar, keeps the trace gzip\'d with its sidecar, loads it: every call a match', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pinscope-editor-record-'));
    const state = join(root, 'state');
    const share = join(root, 'share');
    mkdirSync(state);
    mkdirSync(share);
    writeFileSync(join(state, 'seed.sh'), "echo 'p:mine/vfsr vfs_read' >> /sys/kernel/tracing/kprobe_events\n");
    const statuses = new Set<string>();
    const sampler = setInterval(() => {
      const text = api.recorder.statusText;
      if (text) statuses.add(text);
    }, 100);
    let uri: vscode.Uri | undefined;
    try {
      uri = await api.recorder.record({
        target: { command: `node ${join(REPO_ROOT, 'scripts/guest-target.mjs')} --state ${state} --share ${share}` },
        kind: 'kprobe',
        workload: 'dd if=/dev/zero of=/mnt/share/f bs=8k count=3 && dd if=/mnt/share/f of=/dev/null bs=16k count=4',
      });
    } finally {
      clearInterval(sampler);
    }
    assert.ok(uri, 'the recording was saved');
    saved = uri.fsPath;
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(uri.fsPath.startsWith(join(folder, '.pinscope', 'traces') + '/'), uri.fsPath);
    assert.match(uri.fsPath, /-kprobe\.trace\.gz$/);
    const text = gunzipSync(readFileSync(uri.fsPath)).toString('utf8');
    assert.match(text.split('\n')[0]!, /^# pinscope: kernel_release=6\.12\.\d+\+deb12-amd64 arch=x86_64$/);
    const sidecar = JSON.parse(readFileSync(`${uri.fsPath}.pinscope.json`, 'utf8'));
    assert.equal(sidecar.cleanup, 'done');
    assert.equal(sidecar.calls, 6);
    assert.ok(sidecar.probes.length > 0 && sidecar.script.includes('pinscope_record'), 'the recipe is kept beside the trace');
    assert.ok([...statuses].some((s) => /^\$\(record\) Pinscope: \d+ calls · \d+ events · 0 lost · \d+:\d\d$/.test(s)), [...statuses].join(' | '));
    const loaded = api.traces.loaded.find((t) => t.path === uri!.fsPath);
    assert.ok(loaded, 'the recording is in the Traces view');
    assert.equal(loaded.totals.calls, 6);
    assert.equal(loaded.totals.verdicts.match, 6);
    // The guest's tracefs, before and after, in the same boot.
    assert.ok(existsSync(join(state, 'after')));
    assert.equal(readFileSync(join(state, 'after'), 'utf8'), readFileSync(join(state, 'before'), 'utf8'));
    assert.match(readFileSync(join(state, 'before'), 'utf8'), /p:mine\/vfsr vfs_read/);
  });
});
