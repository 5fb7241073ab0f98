// Runs inside a real VS Code with the extension under development loaded and
// samples/kernel open as the workspace.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PinscopeApi } from '../../../extension/client/extension';
import { REPLAY_CALL_SITE_COMMAND, REPLAY_VIEW_TYPE } from '../../../extension/protocol/lsp';
import type { RenderedMessage } from '../../../extension/protocol/webview';

const EXTENSION_ID = 'pinscope.pinscope';
// Bundled to out/test/editor/: the repository is three levels up.
const REPO_ROOT = join(__dirname, '..', '..', '..');

/** Waits for a condition VS Code exposes no event for, with a deadline. */
async function until(condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves when `condition` holds, checking now and after each `event`. */
function whenEvent<T>(event: vscode.Event<T>, condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (condition()) return resolve();
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, deadlineMs);
    const subscription = event(() => {
      if (!condition()) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

async function pinscopeLenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
  return lenses.filter((lens) => lens.command?.command === REPLAY_CALL_SITE_COMMAND);
}

/** The next replay the webview reports on screen. */
function nextRender(): Promise<RenderedMessage> {
  return new Promise((resolve) => {
    const subscription = api.onDidRenderReplay((message) => {
      subscription.dispose();
      resolve(message);
    });
  });
}

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

function replayTabs(): Array<{ tab: vscode.Tab; group: vscode.TabGroup }> {
  return vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs
      .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(REPLAY_VIEW_TYPE))
      .map((tab) => ({ tab, group })),
  );
}

let api: PinscopeApi;

describe('Pinscope in a real VS Code', () => {

  it('activates by itself in a folder of C files, and its language server starts', async () => {
    const extension = vscode.extensions.getExtension<PinscopeApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded`);
    await until(() => extension.isActive, 'activation on workspaceContains:**/*.c');
    api = extension.exports;
    await api.ready;
  });

  it('code lenses: one on the multi-line call in the sample write path', async () => {
    const uri = workspaceFile('fs/netfs/direct_write.c');
    await vscode.window.showTextDocument(uri);
    const lenses = await pinscopeLenses(uri);
    const lines = readFileSync(uri.fsPath, 'utf8').split('\n');
    const callLine = lines.findIndex((line) => /^\s*n = netfs_extract_user_iter\(/.test(line));
    assert.equal(lenses.length, 1);
    assert.equal(lenses[0]!.range.start.line, callLine);
  });

  it('code lenses: none in comments, strings or #if 0 (fixture)', async () => {
    const uri = vscode.Uri.file(join(REPO_ROOT, 'test/fixtures/c/call-sites.c'));
    await vscode.window.showTextDocument(uri);
    const lenses = await pinscopeLenses(uri);
    assert.equal(lenses.length, 3);
  });

  it('the definition in fs/netfs/iterator.c gets a lens with its variant and a hover saying what it does', async () => {
    const uri = workspaceFile('fs/netfs/iterator.c');
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(lenses.map((l) => l.command?.title).filter((t) => t?.startsWith('Pinscope')), ['Pinscope: variant v3']);
    const line = readFileSync(uri.fsPath, 'utf8').split('\n').findIndex((l) => l.startsWith('ssize_t netfs_extract_user_iter('));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 12));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /v3 — the fixed function/);
  });

  it('the Call Sites view lists the index by file, with the variant of the definition', async () => {
    await api.callSites.refresh();
    // Files opened from outside the workspace join the index too; look at the workspace's.
    const root = vscode.workspace.workspaceFolders![0]!.uri.toString();
    const files = api.callSites.getChildren().filter((f) => f.kind === 'file' && f.uri.startsWith(root));
    const labels = files.flatMap((f) => api.callSites.getChildren(f).map((e) => String(api.callSites.getTreeItem(e).label)));
    assert.deepEqual(labels, ['sample_unbuffered_read()', 'sample_unbuffered_write()', 'definition — v3', 'declaration']);
  });

  it('Copy Tracing Recipe…, Reindex Workspace, Simulate Call… and the trace file language', async () => {
    const text = (await vscode.commands.executeCommand('pinscope.copyRecipe', { kernel: '6.12', arch: 'x86_64', kind: 'kprobe' })) as string;
    assert.match(text, /^p:pinscope\/xui_entry netfs_extract_user_iter orig=%di:x64/);
    assert.equal(await vscode.env.clipboard.readText(), text);
    const status = (await vscode.commands.executeCommand('pinscope.reindexWorkspace')) as { state: string; entries: number };
    assert.equal(status.state, 'ready');
    assert.ok(status.entries >= 4);
    const trace = await vscode.workspace.openTextDocument(vscode.Uri.file(join(REPO_ROOT, 'samples/traces/direct-io.trace')));
    assert.equal(trace.languageId, 'pinscope-trace');
  });

  it('Open With… Pinscope trace lists the calls of a trace file and loads it into the Traces view', async () => {
    const before = api.traces.loaded.length;
    const loaded = new Promise<void>((resolve) => {
      const subscription = api.traces.onDidChangeTreeData(() => {
        if (api.traces.loaded.length > before) {
          subscription.dispose();
          resolve();
        }
      });
    });
    const uri = vscode.Uri.file(join(REPO_ROOT, 'samples/traces/direct-io.trace'));
    await vscode.commands.executeCommand('vscode.openWith', uri, 'pinscope.traceFile');
    await loaded;
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputCustom);
    assert.equal((tab?.input as vscode.TabInputCustom).viewType, 'pinscope.traceFile');
    assert.equal(api.traces.loaded.at(-1)!.totals.calls, 4);
    const traceId = api.traces.loaded.at(-1)!.traceId;
    // Hidden behind another editor and shown again: the view does not change (the file is not loaded again).
    let changes = 0;
    const counting = api.traces.onDidChangeTreeData(() => changes++);
    const customTab = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputCustom);
    await vscode.window.showTextDocument(workspaceFile('fs/netfs/direct_read.c'), { preview: false });
    await vscode.commands.executeCommand('vscode.openWith', uri, 'pinscope.traceFile');
    await until(() => customTab()?.isActive === true, 'the trace editor in front again');
    await new Promise((r) => setTimeout(r, 1500));
    counting.dispose();
    assert.equal(changes, 0, 'showing the trace editor again loads nothing');
    assert.equal(api.traces.loaded.at(-1)!.traceId, traceId);
    // Closing the editor unloads the trace: the server and the view let go of it.
    await vscode.window.tabGroups.close(customTab()!);
    await until(() => !api.traces.loaded.some((t) => t.traceId === traceId), 'the trace unloaded');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('changing pinscope.diagnostics.level applies to the open files at once', async () => {
    const uri = vscode.Uri.file(join(REPO_ROOT, 'test/fixtures/c/call-sites.c'));
    await vscode.window.showTextDocument(uri);
    const ours = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pinscope');
    await whenEvent(vscode.languages.onDidChangeDiagnostics, () => ours().length > 0, 'diagnostics on the fixture');
    const settings = vscode.workspace.getConfiguration('pinscope');
    await settings.update('diagnostics.level', 'off', vscode.ConfigurationTarget.Global);
    await whenEvent(vscode.languages.onDidChangeDiagnostics, () => ours().length === 0, 'diagnostics switched off');
    await settings.update('diagnostics.level', undefined, vscode.ConfigurationTarget.Global);
    await whenEvent(vscode.languages.onDidChangeDiagnostics, () => ours().length > 0, 'diagnostics back');
  });

  it("running a lens's command opens the replay webview beside the editor", async () => {
    const uri = workspaceFile('fs/netfs/direct_read.c');
    const editor = await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    const [lens] = await pinscopeLenses(uri);
    assert.ok(lens?.command);
    // The trace loaded by an earlier test made the replay panel ahead: closed, so that the lens opens it.
    await vscode.window.tabGroups.close(replayTabs().map(({ tab }) => tab));
    await until(() => replayTabs().length === 0, 'no replay panel');
    assert.deepEqual(replayTabs(), []);
    const rendered = nextRender();
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    await whenEvent(vscode.window.tabGroups.onDidChangeTabs, () => replayTabs().length > 0, 'the replay tab');
    const tabs = replayTabs();
    assert.equal(tabs.length, 1);
    assert.notEqual(tabs[0]!.group.viewColumn, editor.viewColumn, 'the panel opens in another column');
    assert.match(tabs[0]!.tab.label, /example E1 at sample_unbuffered_read/);
    // The webview itself reports what it put on screen.
    assert.deepEqual(await rendered, { v: 1, type: 'rendered', ret: 4, bvecs: 4, pages: 4 });
    // Selecting a step shows the lines that ran it: here, in the workspace's own v3 definition.
    const extract = await vscode.commands.executeCommand<vscode.TextEditor>('pinscope.revealStep', 2);
    assert.ok(extract.document.uri.path.endsWith('fs/netfs/iterator.c'));
    assert.match(extract.document.lineAt(extract.selection.start.line).text, /ret = iov_iter_extract_pages\(/);
    // And back: the cursor inside the fill loop is in the replay's 'fill' step.
    const fillLine = extract.document.getText().split('\n').findIndex((l) => /bvec_set_page\(/.test(l));
    extract.selection = new vscode.Selection(fillLine, 2, fillLine, 2);
    const step = await vscode.commands.executeCommand<number>('pinscope.stepAtCursor');
    assert.equal(step, 3, 'step 3 fills the bvecs of E1');
  });

  it('a v0 replay shows its steps in a read-only rendering of v0 (the workspace has v3)', async () => {
    const shown = nextRender();
    await vscode.commands.executeCommand('pinscope.simulateCall', { iter: 'ubuf', segments: [{ addr: '0x7f0000001100', len: 0x3000 }], variant: 'v0' });
    await shown;
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('pinscope.revealStep', 2);
    assert.equal(editor.document.uri.scheme, 'pinscope-variant');
    assert.match(editor.document.getText(editor.selection), /iov_iter_extract_pages\(/);
    assert.match(editor.document.getText(), /Couldn't get user pages/);
  });

  it('hidden behind an editor and shown again, the webview restores its own view; the host does not send the replay again', async () => {
    const shown = nextRender();
    await vscode.commands.executeCommand('pinscope.simulateCall', { iter: 'ubuf', segments: [{ addr: '0x7f0000001000', len: 0x1000 }] });
    await shown;
    const column = replayTabs()[0]!.group.viewColumn;
    const renders: RenderedMessage[] = [];
    const subscription = api.onDidRenderReplay((message) => renders.push(message));
    try {
      // An editor in front of the panel hides it (VS Code drops the webview); closing it shows the panel again.
      await vscode.window.showTextDocument(workspaceFile('fs/netfs/direct_read.c'), { viewColumn: column, preview: false });
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      const deadline = Date.now() + 20_000;
      while (renders.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // Time for a second render, were the host to send the replay again.
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      subscription.dispose();
    }
    assert.deepEqual(renders, [{ v: 1, type: 'rendered', ret: 1, bvecs: 1, pages: 1 }], 'one render: the view the webview restored');
  });

  it('Pinscope: Replay Trace File… lists tasks, then groups, then calls; a call opens its replay beside its call site', async () => {
    const loaded = (await vscode.commands.executeCommand('pinscope.replayTraceFile', vscode.Uri.file(join(REPO_ROOT, 'samples/traces/direct-io.trace')))) as { totals: { calls: number } };
    assert.equal(loaded.totals.calls, 4);
    const trace = (await api.traces.getChildren()).at(-1);
    assert.ok(trace);
    // The trace says which variant replayed it and why: no release recorded, and line 23 returned -EFAULT (v1 and later).
    const traceItem = api.traces.getTreeItem(trace);
    assert.match(String(traceItem.description), /^kprobe — v3 — 4 call\(s\)/);
    assert.match(String(traceItem.tooltip), /^Replayed as v3: v1\/v2\/v3 \(the newest of them\), from what the calls did: line 23: an error return \(-EFAULT\)/);
    // One line each for the decision, the path and the counts: its line breaks are breaks, not escaped text.
    assert.match(String(traceItem.tooltip), /\n[^\n]*samples\/traces\/direct-io\.trace\n\d+ task\(s\)/);
    assert.doesNotMatch(String(traceItem.tooltip), /\\x0a/);
    const tasks = await api.traces.getChildren(trace);
    assert.deepEqual(tasks.map((t) => String(api.traces.getTreeItem(t).label)), ['dd (pid 4711)', 'dd (pid 4712)', 'dd (pid 4713)']);
    assert.equal(api.traces.getTreeItem(tasks[0]!).collapsibleState, vscode.TreeItemCollapsibleState.Collapsed, 'tasks are collapsed');
    const [firstTask] = tasks;
    const [all] = await api.traces.getChildren(firstTask);
    assert.equal(String(api.traces.getTreeItem(all!).label), 'all calls');
    const calls = await api.traces.getChildren(all);
    assert.equal(calls.length, 2);
    const shortCall = calls[1]!;
    const item = api.traces.getTreeItem(shortCall);
    assert.match(String(item.label), /^call 2 · line 15: /);
    assert.match(String(item.description), /^match → 2 · short-extraction, partial-pin$/);
    const rendered = nextRender();
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    assert.deepEqual(await rendered, { v: 1, type: 'rendered', ret: 2, bvecs: 2, pages: 2 });
    // The trace names the caller, sample_unbuffered_read: its call site is shown beside the replay.
    await until(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.path.endsWith('fs/netfs/direct_read.c')), 'the call site');
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('fs/netfs/direct_read.c'))!;
    assert.equal(shown.selection.active.line, 12);
    // Reveal Trace Line (an inline action) shows the call's own lines, read-only, not the trace file.
    const lines = (await vscode.commands.executeCommand('pinscope.revealTraceLine', shortCall)) as vscode.TextEditor;
    assert.equal(lines.document.uri.scheme, 'pinscope-trace-call');
    assert.match(lines.document.lineAt(lines.selection.active.line).text, /^15 ▌ .*xui_entry:/);
    assert.equal(vscode.window.visibleTextEditors.some((e) => e.document.uri.path.endsWith('direct-io.trace') && e.document.uri.scheme === 'file'), false, 'the trace file is not shown as text');
    // Replay Call at Cursor, from the call site. The site opens in the active group: when that is the
    // panel's, over the panel, which is then shown again beside it, and its webview first restores the
    // view it had (the short call) before the replay asked for.
    const renders: RenderedMessage[] = [];
    const listening = api.onDidRenderReplay((message) => renders.push(message));
    const site = await vscode.window.showTextDocument(workspaceFile('fs/netfs/direct_write.c'));
    const covered = !replayTabs()[0]!.tab.isActive;
    site.selection = new vscode.Selection(13, 4, 13, 4);
    await vscode.commands.executeCommand('pinscope.replayCallAtCursor');
    await until(() => renders.length === (covered ? 2 : 1), covered ? 'the restored view, then the replay at the cursor' : 'the replay at the cursor');
    listening.dispose();
    const atCursor = { v: 1, type: 'rendered', ret: 4, bvecs: 4, pages: 4 };
    assert.deepEqual(renders, covered ? [{ v: 1, type: 'rendered', ret: 2, bvecs: 2, pages: 2 }, atCursor] : [atCursor]);
    assert.ok(replayTabs()[0]!.tab.isActive && vscode.window.visibleTextEditors.some((e) => e.document.uri.path.endsWith('fs/netfs/direct_write.c')), 'the replay beside the call site, both on screen');
    // Simulate Call… with a call given (the wizard asks for the same fields).
    const simulated = nextRender();
    await vscode.commands.executeCommand('pinscope.simulateCall', { iter: 'ubuf', segments: [{ addr: '0x7f0000001000', len: 0x2000 }], dir: 'write' });
    assert.deepEqual(await simulated, { v: 1, type: 'rendered', ret: 2, bvecs: 2, pages: 2 });
    // A 100,000-page call: the panel posts the first window of rows; the webview shows all 100,000 entries.
    const big = nextRender();
    await vscode.commands.executeCommand('pinscope.simulateCall', { iter: 'ubuf', segments: [{ addr: '0x7f0000000000', len: 100_000 * 4096 }] });
    assert.deepEqual(await big, { v: 1, type: 'rendered', ret: 100_000, bvecs: 100_000, pages: 100_000 });
    // Compare Variants on a call whose first page is unmapped: v0 says 0, v1–v3 -EFAULT.
    const e3Shown = nextRender();
    await vscode.commands.executeCommand('pinscope.simulateCall', {
      iter: 'ubuf',
      segments: [{ addr: '0x7f0000001100', len: 0x3000 }],
      unmapped: [{ addr: '0x7f0000001000', len: 0x1000 }],
    });
    assert.equal((await e3Shown).ret, -14);
    const comparedShown = nextRender();
    const compared = (await vscode.commands.executeCommand('pinscope.compareVariants')) as Array<{ variant: string; ret: number }>;
    assert.equal((await comparedShown).bvecs, 4, 'four variants side by side');
    assert.deepEqual(compared.map((r) => [r.variant, r.ret]), [['v0', 0], ['v1', -14], ['v2', -14], ['v3', -14]]);
    const definitions = api.variants.getChildren(api.variants.getChildren()[0]);
    assert.deepEqual(definitions.map((d) => String(api.variants.getTreeItem(d).label)), ['v3 — fs/netfs/iterator.c']);
    // Leave the E1 call on screen for the launcher's look at the browser.
    const [e1] = await api.traces.getChildren(all);
    const again = nextRender();
    const e1Item = api.traces.getTreeItem(e1!);
    await vscode.commands.executeCommand(e1Item.command!.command, ...(e1Item.command!.arguments ?? []));
    assert.equal((await again).bvecs, 4);
    // Export Replay…: the replay as JSON, and as Chrome trace events.
    const out = vscode.Uri.file(join(REPO_ROOT, '.test-results', 'export.trace.json'));
    await vscode.commands.executeCommand('pinscope.exportReplay', { uri: out, format: 'chrome' });
    const events = JSON.parse(readFileSync(out.fsPath, 'utf8')) as { traceEvents: Array<{ ph: string; name: string }> };
    assert.deepEqual(events.traceEvents.filter((e) => e.ph === 'X').map((e) => e.name).slice(0, 3), ['iov_iter_npages', 'kvmalloc', 'iov_iter_extract_pages #1']);
    const json = vscode.Uri.file(join(REPO_ROOT, '.test-results', 'export.json'));
    await vscode.commands.executeCommand('pinscope.exportReplay', { uri: json, format: 'json' });
    assert.equal(JSON.parse(readFileSync(json.fsPath, 'utf8')).ret, 4);
  });

  it('a task name holding terminal control bytes shows escaped in the Traces view', async () => {
    const lines = readFileSync(join(REPO_ROOT, 'samples/traces/direct-io.trace'), 'utf8').replace(/\bdd-4711\b/g, '\x1b[31mdd\x07-4711');
    const path = join(tmpdir(), `pinscope-evil-${process.pid}.trace`);
    writeFileSync(path, lines);
    const loaded = (await vscode.commands.executeCommand('pinscope.replayTraceFile', vscode.Uri.file(path))) as { traceId: number };
    const trace = (await api.traces.getChildren()).find((t) => t.kind === 'trace' && t.trace.traceId === loaded.traceId)!;
    const labels = (await api.traces.getChildren(trace)).map((t) => String(api.traces.getTreeItem(t).label));
    assert.deepEqual(labels, ['\\x1b[31mdd\\x07 (pid 4711)', 'dd (pid 4712)', 'dd (pid 4713)']);
  });

  it('while the language server is down, commands answer with a message instead of failing; it comes back', async () => {
    await api.server.stop();
    assert.equal(await vscode.commands.executeCommand('pinscope.reindexWorkspace'), undefined);
    assert.equal(await vscode.commands.executeCommand('pinscope.replayTraceFile', vscode.Uri.file(join(REPO_ROOT, 'samples/traces/direct-io.trace'))), undefined);
    await api.server.start();
    const status = (await vscode.commands.executeCommand('pinscope.reindexWorkspace')) as { state: string };
    assert.equal(status.state, 'ready');
    // The new server holds no trace: the view asks it again and shows none of the ids it forgot.
    await until(() => api.traces.loaded.length === 0, 'the Traces view to follow the restarted server');
    assert.deepEqual(await api.traces.getChildren(), []);
  });

  it('after the language server crashes it is restarted, and Show Log works', async () => {
    // Kill this window's server process (the one started with our dist/server.js).
    const { execSync } = await import('node:child_process');
    const pids = execSync(`pgrep -f "${join(REPO_ROOT, 'dist/server.js')} --node-ipc" || true`, { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
    let killed = 0;
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
        killed++;
      } catch {
        // pgrep's own shell matched the pattern and is gone already.
      }
    }
    assert.ok(killed > 0, 'a server process was killed');
    // The client restarts it: wait (bounded) until a request is answered again.
    const deadline = Date.now() + 30_000;
    let status: { state: string } | undefined;
    while (!status && Date.now() < deadline) {
      status = (await vscode.commands.executeCommand('pinscope.reindexWorkspace')) as { state: string } | undefined;
      if (!status) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status?.state, 'ready');
    await vscode.commands.executeCommand('pinscope.showLog');
  });
});
