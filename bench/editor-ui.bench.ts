// The issue-11 targets measured through the real editor UI: the VS Code
// server in Chromium, driven as a user would (as test/editor/journey.ts
// does), on the trace bench's dense kprobe log (266,720 calls) and the scale
// bench's test-suite shape (200,000 calls from 66,667 tasks), a fresh editor
// for each. Printed per trace: the summary's time against the CLI's on the
// same file (baseline, same run), the extension host's growth, the language
// server's heap after the load (Pinscope: Show Language Server Memory), the
// Traces view's first rows after the summary, a chosen call's replay on
// screen after the click (the first, then five more one after another), and the overview on
// screen after the command (VS Code's new editor and webview apart from the rest). Run: npm run bench editor-ui (the files are generated when
// missing), or PINSCOPE_BENCH_UI_TRACE=file npx tsx bench/editor-ui.bench.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startVsCodeServer } from '../scripts/vscode-server-host';
import { launchChromium } from '../test/support/browser';
import { REPO_ROOT } from '../test/support/fixtures';
import { palette } from '../test/support/workbench';
import { generateLog, generateTasks, GiB } from './generate';

const DIR = process.env.PINSCOPE_BENCH_DIR ?? join(tmpdir(), 'pinscope-bench');
const TRACES = process.env.PINSCOPE_BENCH_UI_TRACE ? [process.env.PINSCOPE_BENCH_UI_TRACE] : [join(DIR, 'dense-256m.trace'), join(DIR, 'tasks-200k.trace')];
const WORKSPACE = join(REPO_ROOT, 'samples/kernel');
const SHOTS = join(REPO_ROOT, '.test-results');
/** Names this run's processes: the VS Code server's children inherit it. */
const TAG = `pinscope-bench-${process.pid}`;
const MiB = 2 ** 20;
/** Calls chosen after the first, one after another. */
const NEXT_CLICKS = 5;

/** The extension host and the language server of this run, found by the tag in their environment. */
function ourProcesses(): { extensionHost: number | null; languageServer: number | null } {
  const found = { extensionHost: null as number | null, languageServer: null as number | null };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').includes(`PINSCOPE_BENCH_TAG=${TAG}`)) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (/extensionHost/.test(command)) found.extensionHost = Number(entry);
      else if (/dist\/server\.js/.test(command)) found.languageServer = Number(entry);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function rssMiB(pid: number | null): number {
  if (pid === null) return NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function frameWith(page: Page, selector: string, timeoutMs: number, test: (frame: Frame) => Promise<boolean> = async () => true): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) if ((await frame.locator(selector).count().catch(() => 0)) > 0 && (await test(frame))) return frame;
    await page.waitForTimeout(20);
  }
  throw new Error(`no frame shows ${selector} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  if (!process.env.PINSCOPE_BENCH_UI_TRACE) {
    // The same files the trace and scale benches read (made once).
    generateLog(TRACES[0]!, Number(process.env.PINSCOPE_BENCH_DENSE_BYTES ?? GiB / 4), 1);
    generateTasks(TRACES[1]!, 200000);
  }
  for (const trace of TRACES) {
    if (!existsSync(trace)) throw new Error(`${trace} is missing`);
    await measure(trace);
  }
}

async function measure(TRACE: string): Promise<void> {
  const name = TRACE.split('/').pop()!.replace(/\.[^.]*$/, '');
  const size = statSync(TRACE).size / MiB;
  // Baseline, same run and file: the CLI reads and replays every call (table mode).
  spawnSync('cat', [TRACE], { stdio: 'ignore' });
  const cliStart = performance.now();
  const cli = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/cli.js'), 'replay', TRACE], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const cliMs = performance.now() - cliStart;
  if (cli.status !== 0 && cli.status !== 1) throw new Error(`pinscope replay failed: ${cli.stderr}`);

  const server = await startVsCodeServer({ env: { PINSCOPE_BENCH_TAG: TAG } });
  const browser = await launchChromium();
  try {
    console.log(`${server.description} + Chromium ${browser.version()}; trace ${TRACE} (${size.toFixed(0)} MiB)`);
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    mkdirSync(SHOTS, { recursive: true });
    const failed = (error: Error) => page.screenshot({ path: join(SHOTS, 'bench-failed.png') }).then(() => Promise.reject(error), () => Promise.reject(error));
    await page.goto(server.workbenchUrl(WORKSPACE));
    const sidebar = page.locator('.activitybar a[aria-label="Pinscope"]');
    await sidebar.waitFor({ timeout: 60_000 });
    await sidebar.click();
    // Activated, its server up and the workspace indexed: then the host's memory before.
    const deadline = Date.now() + 60_000;
    while ((ourProcesses().languageServer === null || ourProcesses().extensionHost === null) && Date.now() < deadline) await page.waitForTimeout(200);
    await page.locator('.statusbar-item', { hasText: 'entries' }).first().waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000);
    const { extensionHost, languageServer } = ourProcesses();
    const hostBefore = rssMiB(extensionHost);
    const serverBefore = rssMiB(languageServer);

    await palette(page, 'Pinscope: Replay Trace File');
    const input = page.locator('.quick-input-box input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: '..' }).first().waitFor({ timeout: 20_000 });
    await input.fill(TRACE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: TRACE.split('/').pop()! }).waitFor({ timeout: 20_000 });
    let hostPeak = hostBefore;
    let serverPeak = serverBefore;
    const sampler = setInterval(() => {
      hostPeak = Math.max(hostPeak, rssMiB(extensionHost));
      serverPeak = Math.max(serverPeak, rssMiB(languageServer));
    }, 100);
    const loadStart = performance.now();
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).click();
    await page.locator('.notifications-toasts', { hasText: 'call(s):' }).waitFor({ timeout: 600_000 });
    const summaryMs = performance.now() - loadStart;
    await page.locator('.monaco-list-row', { hasText: '(pid ' }).first().waitFor({ timeout: 60_000 });
    const firstRowsMs = performance.now() - loadStart - summaryMs;
    await page.screenshot({ path: join(SHOTS, `bench-${name}-traces.png`) });
    // The language server's heap with the trace loaded, as the server reports it.
    await palette(page, 'Pinscope: Show Language Server Memory');
    const memoryText = await page.locator('.notifications-toasts', { hasText: 'language server memory' }).first().innerText({ timeout: 30_000 });
    const heapMiB = Number(/heap ([\d.]+) MiB used/.exec(memoryText)?.[1] ?? NaN);
    const arraysMiB = Number(/arrays ([\d.]+) MiB/.exec(memoryText)?.[1] ?? NaN);
    // Was the replay panel (made when the trace loaded) ready before the first click?
    const panelReady = (await Promise.all(page.frames().map((f) => f.locator('main#app').count().catch(() => 0)))).some((c) => c > 0);
    /** The replay on screen shows `title…` with its bvec rows: watched inside the webview's own frame, every animation frame. */
    const replayFrame = await frameWith(page, 'main#app', 30_000);
    const onScreen = async (title: string) => {
      await replayFrame.waitForFunction((t) => document.querySelector('[data-testid="bvec"]') !== null && Array.from(document.querySelectorAll('h1')).some((h) => h.textContent?.startsWith(t)), title, { polling: 'raf', timeout: 30_000 });
    };

    // A chosen call: its task, its "all calls" group, the first call.
    await page.locator('.monaco-list-row', { hasText: '(pid ' }).first().click();
    await page.locator('.monaco-list-row', { hasText: 'all calls' }).first().click();
    const call = page.locator('.monaco-list-row', { hasText: /^call 1 · / }).first();
    await call.waitFor({ timeout: 30_000 });
    const clicked = performance.now();
    await call.click();
    await onScreen('call 1,').catch(failed);
    const replayMs = performance.now() - clicked;
    // Further calls, the replay panel open already: what choosing the next call costs, each time once the
    // previous one's code is shown beside its replay (its call site or its trace lines), as a reader would have it.
    const nextMs: number[] = [];
    for (let k = 1; k <= NEXT_CLICKS; k++) {
      await page.locator('.tab', { hasText: /call [\d,]+$|\.c$/ }).first().waitFor({ timeout: 30_000 }).catch(() => undefined);
      await page.waitForTimeout(500);
      // Another of the task's calls, in turn (their numbers depend on how the tasks interleave).
      const rows = page.locator('.monaco-list-row', { hasText: /^call \d[\d,]* · / });
      const next = rows.nth(k % (await rows.count()));
      const number = /^call ([\d,]+) · /.exec(await next.innerText())![1];
      const clickedNext = performance.now();
      await next.click();
      await onScreen(`call ${number},`).catch(failed);
      nextMs.push(performance.now() - clickedNext);
    }
    clearInterval(sampler);
    const hostAfter = rssMiB(extensionHost);
    const serverAfter = rssMiB(languageServer);
    await page.screenshot({ path: join(SHOTS, `bench-${name}-replay.png`) });

    // Counted from the command's Enter, not from typing its title; the webview's page first (VS Code's part: a new editor and its webview), then our canvas.
    const framesBefore = new Set(page.frames());
    const overviewAsked = await palette(page, 'Pinscope: Show Trace Overview');
    await frameWith(page, '#app', 60_000, async (frame) => !framesBefore.has(frame));
    const overviewPageMs = performance.now() - overviewAsked;
    const overview = await frameWith(page, '[data-testid="overview-timeline"]', 60_000);
    const overviewMs = performance.now() - overviewAsked;
    await overview.locator('[data-testid="call-list-heading"]', { hasText: 'calls — all' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SHOTS, `bench-${name}-overview.png`) });

    const calls = (await overview.locator('[data-testid="overview-summary"]').innerText()).split(' ')[0];
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`--- ${name}: ${calls} calls`);
    console.log(`summary on screen ${(summaryMs / 1000).toFixed(2)} s after OK; baseline pinscope replay (CLI, table mode) ${(cliMs / 1000).toFixed(2)} s: ${(summaryMs / cliMs).toFixed(2)}× — goal ≤ 1.5×: ${verdict(summaryMs <= 1.5 * cliMs)}`);
    console.log(`extension host RSS ${hostBefore.toFixed(0)} MiB before, peak ${hostPeak.toFixed(0)} MiB, ${hostAfter.toFixed(0)} MiB after: growth ${(hostAfter - hostBefore).toFixed(0)} MiB (peak ${(hostPeak - hostBefore).toFixed(0)}) — goal ≤ 50 MiB: ${verdict(hostAfter - hostBefore <= 50)}`);
    console.log(`language server heap after the load ${heapMiB.toFixed(1)} MiB (typed arrays ${arraysMiB.toFixed(1)} MiB besides) — goal ≤ 150 MiB: ${verdict(heapMiB <= 150)}; its RSS ${serverBefore.toFixed(0)} MiB before, peak ${serverPeak.toFixed(0)} MiB (the load's worker), ${serverAfter.toFixed(0)} MiB after`);
    console.log(`Traces view first rows ${firstRowsMs.toFixed(0)} ms after the summary — goal ≤ 1000 ms: ${verdict(firstRowsMs <= 1000)}`);
    console.log(`a chosen call's replay on screen ${replayMs.toFixed(0)} ms after the click (the first; the replay panel made when the trace loaded, ${panelReady ? 'its webview loaded by the click' : 'its webview still loading at the click'}) — goal ≤ 300 ms: ${verdict(replayMs <= 300)}`);
    console.log(`the next ${NEXT_CLICKS} calls' replays on screen ${nextMs.map((ms) => ms.toFixed(0)).join(', ')} ms after their clicks (max ${Math.max(...nextMs).toFixed(0)}), the panel open — goal ≤ 300 ms each: ${verdict(Math.max(...nextMs) <= 300)}`);
    console.log(
      `the overview on screen ${overviewMs.toFixed(0)} ms after Enter on Show Trace Overview: the new editor's webview page ${overviewPageMs.toFixed(0)} ms (VS Code making the editor and its webview), then the bundle, the server's bins and the first paint ${(overviewMs - overviewPageMs).toFixed(0)} ms (the paint alone: npm run bench webview)`,
    );
    console.log(`screenshots: .test-results/bench-${name}-traces.png, -replay.png, -overview.png`);
  } finally {
    await browser.close().catch(() => undefined);
    server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
