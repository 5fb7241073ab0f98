// The journey a user takes, driven through the real UI in Chromium: open the
// Pinscope sidebar, run "Pinscope: Replay Trace File…" from the command
// palette on the bundled trace, pick a call in the Traces view, and see its
// replay beside the code. Screenshots go to .test-results/ (not committed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { VsCodeServer } from '../../scripts/vscode-server-host';
import { REPO_ROOT } from '../support/fixtures';

const SHOTS = join(REPO_ROOT, '.test-results');

async function bvecRows(page: Page): Promise<number> {
  let most = 0;
  for (const frame of page.frames()) most = Math.max(most, await frame.locator('[data-testid="bvec"]').count().catch(() => 0));
  return most;
}

export async function runJourney(server: VsCodeServer, browser: Browser, workspace: string): Promise<{ title: string; state: 'passed' | 'failed'; error?: string }> {
  const title = 'Pinscope in a real VS Code (UI journey) palette → Replay Trace File… → Traces view → the call replays beside the code';
  mkdirSync(SHOTS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  try {
    await page.goto(server.workbenchUrl(workspace));
    const sidebar = page.locator('.activitybar a[aria-label="Pinscope"]');
    await sidebar.waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget').waitFor();
    await page.keyboard.type('Pinscope: Replay Trace File');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Replay Trace File' }).first().waitFor();
    await page.keyboard.press('Enter');
    // VS Code's own file dialog: type the path, accept.
    const input = page.locator('.quick-input-box input');
    await page.locator('.quick-input-widget', { hasText: 'Replay a trace file' }).waitFor({ timeout: 20_000 });
    // The dialog first lists its starting folder; typing before that is overwritten.
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'README.md' }).first().waitFor({ timeout: 20_000 });
    const path = join(REPO_ROOT, 'samples/traces/direct-io.trace');
    await input.fill(path);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'direct-io.trace' }).waitFor({ timeout: 20_000 });
    if ((await input.inputValue()) !== path) throw new Error(`the file dialog shows ${await input.inputValue()}, not the path typed`);
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
    await page.locator('.notifications-toasts', { hasText: '4 call(s): 4 match' }).waitFor({ timeout: 30_000 });
    await sidebar.click();
    const call = page.locator('.monaco-list-row', { hasText: 'line 15' });
    await call.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: join(SHOTS, 'journey-traces.png') });
    await call.click();
    const deadline = Date.now() + 30_000;
    let rows = 0;
    while ((rows = await bvecRows(page)) === 0 && Date.now() < deadline) await page.waitForTimeout(200);
    await page.screenshot({ path: join(SHOTS, 'journey-replay.png') });
    if (rows !== 2) throw new Error(`the replay of the short read shows ${rows} bvec rows, expected 2`);
    return { title, state: 'passed' };
  } catch (error) {
    await page.screenshot({ path: join(SHOTS, 'journey-failed.png') }).catch(() => undefined);
    return { title, state: 'failed', error: `${(error as Error).message} (screenshot: .test-results/journey-failed.png)` };
  } finally {
    await page.close();
  }
}
