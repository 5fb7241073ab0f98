// The journey a user takes, driven through the real UI in Chromium: see the
// lens on a kernel-like C file, run "Pinscope: Replay Trace File…" from the
// command palette on a real trace from test/fixtures/kernel-traces (kprobe, 6.12), pick a
// call in the Traces view, see its replay beside the code with the right
// page count, and choose a step to move the editor to its line; then, in a
// fresh window, the overview of a test run's trace (thousands of calls from
// hundreds of tasks). Screenshots go to .test-results/ (not committed; the
// README's overview.png is journey-overview.png).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { VsCodeServer } from '../../scripts/vscode-server-host';
import { REPO_ROOT } from '../support/fixtures';
import { KERNEL_TRACES } from '../support/kernel-traces';
import { writeTestRunTrace } from '../support/test-run-trace';
import { palette } from '../support/workbench';

/** A real trace: its second call (line 21) is a four-page O_DIRECT read. */
const TRACE = join(KERNEL_TRACES, 'kprobe/aligned.trace.txt');

const SHOTS = join(REPO_ROOT, '.test-results');

async function pageCells(page: Page): Promise<number> {
  let most = 0;
  for (const frame of page.frames()) most = Math.max(most, await frame.locator('[data-testid="page"]').count().catch(() => 0));
  return most;
}

async function bvecRows(page: Page): Promise<number> {
  let most = 0;
  for (const frame of page.frames()) most = Math.max(most, await frame.locator('[data-testid="bvec"]').count().catch(() => 0));
  return most;
}

/** The webview frame that shows the replay's steps. */
async function stepsFrame(page: Page): Promise<Frame> {
  for (const frame of page.frames()) if ((await frame.locator('[data-testid="step"]').count().catch(() => 0)) > 0) return frame;
  throw new Error('no webview frame shows the steps');
}

/**
 * Choosing the extraction step in the webview moves the editor to the line of
 * the workspace's fs/netfs/iterator.c that calls iov_iter_extract_pages, and
 * the panels show the state after it.
 */
async function selectStepMovesEditor(page: Page, workspace: string): Promise<void> {
  const frame = await stepsFrame(page);
  await frame.locator('[data-testid="step"].step-extract').first().click();
  await page.locator('.tab.active', { hasText: 'iterator.c' }).waitFor({ timeout: 20_000 });
  // The webview keeps the focus, so the status bar shows no "Ln"; the editor marks its cursor's line number.
  const cursorLine = page.locator('.editor-instance:has(.monaco-editor) .margin-view-overlays .active-line-number');
  const deadline = Date.now() + 20_000;
  let line = 0;
  while (Date.now() < deadline) {
    line = Number(await cursorLine.first().innerText().catch(() => '0'));
    if (line) break;
    await page.waitForTimeout(200);
  }
  // The step's lines are the statement `ret = iov_iter_extract_pages(...)`, three lines long; the cursor ends it.
  const source = readFileSync(join(workspace, 'fs/netfs/iterator.c'), 'utf8').split('\n');
  const callLine = source.findIndex((text) => /iov_iter_extract_pages\(/.test(text)) + 1;
  if (line < callLine || line > callLine + 2) {
    throw new Error(`choosing the extraction step put the cursor on line ${line} of iterator.c, not in the call at line ${callLine}: "${source[line - 1]?.trim()}"`);
  }
  const state = await frame.locator('[data-testid="step-state"]').innerText();
  if (!/1 GUP round\(s\), 4 pin\(s\) held/.test(state)) throw new Error(`after the extraction step the view says: ${state}`);
  await page.screenshot({ path: join(SHOTS, 'journey-step.png') });
  // What if v0: the view replays the call itself; its steps then show v0's lines (the read-only
  // rendering: the workspace has v3), not the workspace's iterator.c.
  await frame.locator('[data-testid="whatif-variant"]').selectOption('v0');
  await frame.locator('[data-testid="whatif-run"]').click();
  await frame.locator('h1', { hasText: 'what if: v0' }).waitFor({ timeout: 10_000 });
  await frame.locator('[data-testid="step"].step-extract').first().click();
  await page.locator('.tab.active', { hasText: 'netfs_extract_user_iter.c' }).waitFor({ timeout: 20_000 });
}

/** The frame that shows the trace overview (the "Open With… Pinscope trace" editor). */
async function overviewFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) if ((await frame.locator('[data-testid="overview-timeline"]').count().catch(() => 0)) > 0) return frame;
    await page.waitForTimeout(200);
  }
  throw new Error('no webview frame shows the trace overview');
}

/**
 * Pinscope: Show Trace Overview from the palette: the trace at a glance above
 * its calls (all five, one task); a listed call opens its replay.
 */
async function overviewOpensCalls(page: Page): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget').waitFor();
  await page.keyboard.type('Pinscope: Show Trace Overview');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Trace Overview' }).first().waitFor();
  await page.keyboard.press('Enter');
  const frame = await overviewFrame(page);
  const summary = await frame.locator('[data-testid="overview-summary"]').innerText();
  if (!/^5 calls in 1 task, /.test(summary)) throw new Error(`the overview says: ${summary}`);
  await frame.locator('[data-testid="call-list-heading"]', { hasText: '5 calls — all' }).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(SHOTS, 'journey-overview-5-calls.png') });
  await frame.locator('[data-testid="trace-call"]').nth(1).click();
  // The replay of call 2 (the four-page read) comes up beside it again (the panel showed a what-if through v0).
  const deadline = Date.now() + 20_000;
  const replayed = async () => {
    for (const f of page.frames()) {
      const titles = await f.locator('h1').allInnerTexts().catch(() => [] as string[]);
      if (titles.some((t) => /^call 2, trace line 21, .* — match$/.test(t)) && (await f.locator('[data-testid="bvec"]').count()) === 4) return true;
    }
    return false;
  };
  while (!(await replayed()) && Date.now() < deadline) await page.waitForTimeout(200);
  if (!(await replayed())) throw new Error("choosing call 2 in the overview's list did not show its replay with 4 bvecs");
}

/**
 * A new window on a copy of the sample workspace, named as any checkout
 * would be, with a test run's trace in it (written now from the real
 * fixtures): Replay Trace File… says its verdicts, and Show Trace Overview
 * draws its tasks; the screenshot is the README's.
 */
async function overviewOfATestRun(server: VsCodeServer, browser: Browser): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pinscope-journey-'));
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  try {
    const workspace = join(dir, 'kernel');
    cpSync(join(REPO_ROOT, 'samples/kernel'), workspace, { recursive: true });
    mkdirSync(join(workspace, 'traces'));
    const path = join(workspace, 'traces/xfstests-dio.trace');
    const made = writeTestRunTrace(path);
    const n = (x: number) => x.toLocaleString('en');
    await page.goto(server.workbenchUrl(workspace));
    const sidebar = page.locator('.activitybar a[aria-label="Pinscope"]');
    await sidebar.waitFor({ timeout: 60_000 });
    await sidebar.click();
    await page.locator('.statusbar-item', { hasText: 'entries' }).first().waitFor({ timeout: 60_000 });
    await palette(page, 'Pinscope: Replay Trace File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '..' }).first().waitFor({ timeout: 20_000 });
    await page.locator('.quick-input-box input').fill(path);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'xfstests-dio.trace' }).waitFor({ timeout: 20_000 });
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
    const toast = await page.locator('.notifications-toasts', { hasText: `${n(made.calls)} call(s):` }).first().innerText({ timeout: 60_000 });
    if (!toast.includes(`, ${n(made.mismatches)} mismatch`)) throw new Error(`the test run's ${made.mismatches} changed returns are not its mismatches: ${toast}`);
    await palette(page, 'Notifications: Clear All Notifications');
    // The Traces view: the trace, its tasks, the groups of a task with mismatches (collapsed until clicked).
    await page.locator('.monaco-list-row', { hasText: /\(pid \d+\).* [1-9]\d* mismatch/ }).first().click();
    await page.locator('.monaco-list-row', { hasText: 'mismatches' }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'journey-traces-test-run.png') });
    await palette(page, 'Pinscope: Show Trace Overview');
    const frame = await overviewFrame(page);
    const summary = await frame.locator('[data-testid="overview-summary"]').innerText();
    if (!summary.startsWith(`${n(made.calls)} calls in ${n(made.tasks)} tasks, `)) throw new Error(`the overview of the test run says: ${summary}`);
    await frame.locator('[data-testid="call-list-heading"]', { hasText: `${n(made.calls)} calls — all` }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'journey-overview.png') });
  } finally {
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runJourney(server: VsCodeServer, browser: Browser, workspace: string): Promise<{ title: string; state: 'passed' | 'failed'; error?: string }> {
  const title = 'Pinscope in a real VS Code (UI journey) palette → Replay Trace File… → Traces view → the call replays beside the code → a step moves the editor to its line, also after a what-if through v0 → Show Trace Overview lists the calls and one replays; a test run’s trace (thousands of calls, hundreds of tasks) in a new window: its verdicts and its overview';
  mkdirSync(SHOTS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  try {
    await page.goto(server.workbenchUrl(workspace));
    const sidebar = page.locator('.activitybar a[aria-label="Pinscope"]');
    await sidebar.waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    // A kernel-like C file shows its lens.
    await page.locator('.monaco-list-row', { hasText: 'fs' }).first().click();
    await page.locator('.monaco-list-row', { hasText: 'direct_read.c' }).first().click();
    await page.locator('.codelens-decoration a', { hasText: 'Pinscope: replay' }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, 'journey-lens.png') });
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget').waitFor();
    await page.keyboard.type('Pinscope: Replay Trace File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Replay Trace File' }).first().waitFor();
    await page.keyboard.press('Enter');
    // VS Code's own file dialog: type the path, accept.
    const input = page.locator('.quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Replay a trace file' }).waitFor({ timeout: 20_000 });
    // The dialog first lists its starting folder; typing before that is overwritten.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '..' }).first().waitFor({ timeout: 20_000 });
    const path = TRACE;
    await input.fill(path);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'aligned.trace.txt' }).waitFor({ timeout: 20_000 });
    if ((await input.inputValue()) !== path) throw new Error(`the file dialog shows ${await input.inputValue()}, not the path typed`);
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
    await page.locator('.notifications-toasts', { hasText: '5 call(s): 5 match' }).waitFor({ timeout: 30_000 });
    await sidebar.click();
    // trace → task → groups → calls: the task and its "all calls" group are collapsed until clicked.
    await page.locator('.monaco-list-row', { hasText: '(pid ' }).first().click();
    await page.locator('.monaco-list-row', { hasText: 'all calls' }).first().click();
    const call = page.locator('.monaco-list-row', { hasText: 'line 21' });
    await call.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'journey-traces.png') });
    await call.click();
    const deadline = Date.now() + 30_000;
    let rows = 0;
    while ((rows = await bvecRows(page)) === 0 && Date.now() < deadline) await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, 'journey-replay.png') });
    if (rows !== 4) throw new Error(`the replay of the four-page read shows ${rows} bvec rows, expected 4`);
    const pages = await pageCells(page);
    if (pages !== 4) throw new Error(`the replay shows ${pages} pinned pages, expected 4`);
    await selectStepMovesEditor(page, workspace);
    await overviewOpensCalls(page);
    await overviewOfATestRun(server, browser);
    return { title, state: 'passed' };
  } catch (error) {
    await page.screenshot({ path: join(SHOTS, 'journey-failed.png') }).catch(() => undefined);
    return { title, state: 'failed', error: `${(error as Error).message} (screenshot: .test-results/journey-failed.png)` };
  } finally {
    await page.close();
  }
}
