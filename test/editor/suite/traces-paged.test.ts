// A trace too long to list at once, in a real VS Code: the Traces view pages
// its calls, filters them, goes to call N or trace line L, opens a call's
// own lines as a read-only document, and unloads the trace. The trace is
// written by the test: 1,200 calls of one dd task (a real kprobe call of the
// sample trace, repeated with later timestamps) and 3 of a fio task, made
// from a function the workspace does not have.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PinscopeApi } from '../../../extension/client/extension';
import type { RenderedMessage } from '../../../extension/protocol/webview';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const DD_CALLS = 1200;
const FIO_CALLS = 3;
/** Lines of one call in the sample: entry, GUP round, its return, the call's return, four unpins. */
const CALL_LINES = 8;
/** Header lines before the first call. */
const HEADER = 6;

async function until(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The sample's first call (dd-4711, a four-page read), again and again, then a few calls of another task. */
function writeLongTrace(dir: string): string {
  const sample = readFileSync(join(REPO_ROOT, 'samples/traces/direct-io.trace'), 'utf8').split('\n');
  const header = sample.slice(0, HEADER);
  const call = sample.slice(HEADER, HEADER + CALL_LINES);
  const out = [...header];
  const at = (task: string, i: number, line: string) =>
    line.replace(/^\s*dd-4711/, task).replace(/(\d+)\.(\d{6}):/, (_, s: string, us: string) => `${(Number(s) + i).toString()}.${us}:`);
  for (let i = 0; i < DD_CALLS; i++) for (const line of call) out.push(at('              dd-4711', i, line));
  // fio's calls come from a function the workspace does not have: opening one shows its trace lines.
  for (let i = 0; i < FIO_CALLS; i++) for (const line of call) out.push(at('             fio-9000', DD_CALLS + i, line).replace('sample_unbuffered_read', 'fio_direct_read'));
  const file = join(dir, 'long.trace');
  writeFileSync(file, `${out.join('\n')}\n`);
  return file;
}

describe('Pinscope in a real VS Code: a long trace, paged', () => {
  let api: PinscopeApi;
  let dir: string;
  let file: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<PinscopeApi>('pinscope.pinscope')!;
    api = await extension.activate();
    await api.ready;
    // The suite before this one restarted the server: wait until it answers again.
    await until(async () => (await vscode.commands.executeCommand('pinscope.reindexWorkspace')) !== undefined, 'the language server');
    dir = mkdtempSync(join(tmpdir(), 'pinscope-long-trace-'));
    file = writeLongTrace(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trace → task → groups → calls, 500 at a time: "calls 1–500 of 1,200 — more…" adds the next page', async () => {
    const trace = (await vscode.commands.executeCommand('pinscope.replayTraceFile', vscode.Uri.file(file))) as { totals: { calls: number; tasks: number } };
    assert.equal(trace.totals.calls, DD_CALLS + FIO_CALLS);
    assert.equal(trace.totals.tasks, 2);
    const root = (await api.traces.getChildren()).find((n) => String(api.traces.getTreeItem(n).label).endsWith('long.trace'));
    assert.ok(root, 'the trace is in the view');
    assert.match(String(api.traces.getTreeItem(root).description), /1,203 call\(s\): 1,203 match, 0 mismatch, 0 incomplete/);
    const tasks = await api.traces.getChildren(root);
    assert.deepEqual(tasks.map((t) => String(api.traces.getTreeItem(t).label)), ['dd (pid 4711)', 'fio (pid 9000)']);
    const groups = await api.traces.getChildren(tasks[0]);
    const labelled = groups.map((g) => [String(api.traces.getTreeItem(g).label), String(api.traces.getTreeItem(g).description)]);
    assert.deepEqual(labelled[0], ['all calls', '1,200 call(s)']);
    assert.ok(labelled.some(([, d], i) => i > 0 && d === '1,200 call(s)'), `a shape group holds the 1,200 identical calls: ${JSON.stringify(labelled)}`);
    let calls = await api.traces.getChildren(groups[0]);
    assert.equal(calls.length, 501);
    const more = api.traces.getTreeItem(calls[500]!);
    assert.equal(more.label, 'calls 1–500 of 1,200 — more…');
    assert.match(String(api.traces.getTreeItem(calls[499]!).label), new RegExp(`^call 500 · line ${(HEADER + 499 * CALL_LINES + 1).toLocaleString('en')}: UBUF read 12288`));
    await vscode.commands.executeCommand(more.command!.command, ...(more.command!.arguments ?? []));
    calls = await api.traces.getChildren(groups[0]);
    assert.equal(calls.length, 1001);
    assert.equal(api.traces.getTreeItem(calls[1000]!).label, 'calls 1–1,000 of 1,200 — more…');
  });

  it('a filter narrows every level (comm, verdict, size); an empty one clears it', async () => {
    const root = () => api.traces.getChildren().then((ns) => ns.find((n) => String(api.traces.getTreeItem(n).label).endsWith('long.trace'))!);
    try {
      await vscode.commands.executeCommand('pinscope.filterTraces', 'comm:fio');
      let tasks = await api.traces.getChildren(await root());
      assert.deepEqual(tasks.map((t) => String(api.traces.getTreeItem(t).label)), ['Filter: comm:fio', 'fio (pid 9000)']);
      const [all] = await api.traces.getChildren(tasks[1]);
      assert.equal((await api.traces.getChildren(all)).length, FIO_CALLS);
      await vscode.commands.executeCommand('pinscope.filterTraces', 'verdict:mismatch');
      tasks = await api.traces.getChildren(await root());
      assert.deepEqual(tasks.map((t) => String(api.traces.getTreeItem(t).label)), ['Filter: verdict:mismatch', 'No call matches the filter.']);
      await vscode.commands.executeCommand('pinscope.filterTraces', 'size:12288 pid:4711');
      tasks = await api.traces.getChildren(await root());
      assert.deepEqual(tasks.map((t) => String(api.traces.getTreeItem(t).label)), ['Filter: pid:4711 size:12288', 'dd (pid 4711)']);
    } finally {
      await vscode.commands.executeCommand('pinscope.filterTraces', '');
    }
    assert.deepEqual(api.traces.activeFilter, {});
    assert.equal((await api.traces.getChildren(await root())).length, 2);
  });

  it('go to call N and to trace line L: the replay shows, and beside it the call’s own lines in a read-only document, not the trace file', async () => {
    const traceId = api.traces.loaded.find((t) => t.path === file)!.traceId;
    const rendered = new Promise<RenderedMessage>((resolve) => {
      const subscription = api.onDidRenderReplay((message) => {
        subscription.dispose();
        resolve(message);
      });
    });
    const row = (await vscode.commands.executeCommand('pinscope.goToTracedCall', '1201', traceId)) as { index: number; comm: string; line: number; lastLine: number };
    assert.deepEqual([row.index, row.comm, row.line], [1200, 'fio', HEADER + DD_CALLS * CALL_LINES + 1]);
    assert.deepEqual(await rendered, { v: 1, type: 'rendered', ret: 4, bvecs: 4, pages: 4 });
    await until(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'pinscope-trace-call'), 'the call’s lines');
    const lines = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'pinscope-trace-call')!;
    const text = lines.document.getText().split('\n').filter(Boolean);
    // The call's lines (first to last, one run: its task ran alone), with 5 lines of context on each side.
    const span = row.lastLine - row.line + 1;
    assert.ok(span >= 4 && span <= CALL_LINES, `the call spans lines ${row.line}–${row.lastLine}`);
    assert.equal(text.filter((l) => / ▌ /.test(l)).length, span);
    assert.equal(text.length, span + 5 + 5);
    assert.match(lines.document.lineAt(lines.selection.active.line).text, new RegExp(`^${row.line} ▌ +fio-9000 .*xui_entry:`));
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'file' && d.uri.fsPath === file), false, 'the trace file itself is not open');
    // A line inside call 3 (its GUP round) goes to call 3.
    const byLine = (await vscode.commands.executeCommand('pinscope.goToTracedCall', `line ${HEADER + 2 * CALL_LINES + 2}`, traceId)) as { index: number };
    assert.equal(byLine.index, 2);
    // Past the end: a message, no call.
    assert.equal(await vscode.commands.executeCommand('pinscope.goToTracedCall', '99999', traceId), undefined);
  });

  it('Unload Trace frees it: the view lets go, and the server no longer answers for it', async () => {
    const root = (await api.traces.getChildren()).find((n) => String(api.traces.getTreeItem(n).label).endsWith('long.trace'))!;
    const traceId = api.traces.loaded.find((t) => t.path === file)!.traceId;
    assert.equal(await vscode.commands.executeCommand('pinscope.unloadTrace', root), true);
    assert.equal(api.traces.loaded.some((t) => t.traceId === traceId), false);
    assert.equal((await api.traces.getChildren()).some((n) => String(api.traces.getTreeItem(n).label).endsWith('long.trace')), false);
    // Its id is gone on the server too: a second unload finds nothing.
    assert.equal(await vscode.commands.executeCommand('pinscope.unloadTrace', traceId), false);
  });
});
