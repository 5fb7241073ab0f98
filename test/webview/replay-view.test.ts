// The built webview (dist/webview.js, dist/webview.css) in headless Chromium,
// inside the same HTML shell and CSP the editor uses, with a fake host that
// speaks protocol/webview.ts.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EXAMPLE_E1, normaliseCall, replayCall } from '../../extension/engine';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview } from '../../extension/protocol/webview';
import { readTraceFile } from '../../extension/node/trace-file';
import { replayTrace, replayTraceCall, type TraceCallResult } from '../../extension/trace';
import { ReplayPager } from '../../extension/client/replay-pager';
import { isWebviewToHost } from '../../extension/protocol/guards';
import { observedForView, traceRecords } from '../../extension/trace';
import { launchChromium } from '../support/browser';
import { openView, send } from '../support/webview-page';
import { KERNEL_TRACES } from '../support/kernel-traces';
import { REPO_ROOT } from '../support/fixtures';

/** A few of the variables VS Code's light and dark themes give a webview. */
const THEMES: Record<string, Record<string, string>> = {
  light: { '--vscode-editor-background': '#ffffff', '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171', '--vscode-focusBorder': '#005fb8', '--vscode-charts-blue': '#1a85ff' },
  dark: { '--vscode-editor-background': '#1f1f1f', '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-focusBorder': '#0078d4', '--vscode-charts-blue': '#3794ff' },
  'high-contrast': { '--vscode-editor-background': '#000000', '--vscode-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffff', '--vscode-focusBorder': '#f38518', '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518', '--vscode-charts-blue': '#3794ff' },
};
/** The body class VS Code sets for each kind of theme. */
const THEME_CLASS: Record<string, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };
describe('webview: the replay view in Chromium', () => {
  let browser: Browser;
  const e1 = replayCall(normaliseCall({ ...EXAMPLE_E1 }));
  const showE1: HostToWebview = { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'example E1', result: e1 };

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('says ready to the host when loaded', async () => {
    const { page } = await openView(browser);
    const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
    assert.deepEqual(posted, [{ v: WEBVIEW_PROTOCOL_VERSION, type: 'ready', restored: false }]);
    await page.close();
  });

  it('renders E1: 4 pinned pages and the four bvecs, under the strict CSP', async () => {
    const { page, cspErrors } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="bvec"]');
    assert.equal(await page.locator('[data-testid="page"]').count(), 4);
    const lens = await page.locator('[data-testid="bvec"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-len'))));
    assert.deepEqual(lens, [0xf00, 0x1000, 0x1000, 0x100]);
    // Codicons come from the bundled font, through the CSP.
    await page.evaluate(() => document.fonts.ready);
    assert.ok(await page.evaluate(() => document.fonts.check('16px codicon')), 'the codicon font loaded');
    const offsets = await page.locator('[data-testid="bvec"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-offset'))));
    assert.deepEqual(offsets, [0x100, 0, 0, 0]);
    assert.match(await page.locator('[data-testid="verdict"]').innerText(), /returned 4 bvecs covering 0x3000 \(12288\) bytes/);
    assert.equal(await page.locator('[data-testid="pins-held"]').innerText(), '4');
    assert.equal(await page.locator('[data-testid="no-anomaly"]').count(), 1);
    // The stylesheet loaded through the CSP: the coverage bar has a width.
    const barWidth = await page.locator('.covered').first().evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(barWidth > 0);
    assert.deepEqual(cspErrors, []);
    mkdirSync(join(REPO_ROOT, '.test-results'), { recursive: true });
    // Screenshots as artifacts, in a light and a dark theme (the --vscode-* variables VS Code sets).
    for (const [name, theme] of Object.entries(THEMES)) {
      await page.evaluate(
        ([vars, bodyClass]) => {
          for (const [key, value] of Object.entries(vars)) document.documentElement.style.setProperty(key, value);
          document.body.className = bodyClass;
        },
        [theme, THEME_CLASS[name]!] as const,
      );
      await page.screenshot({ path: join(REPO_ROOT, `.test-results/webview-e1-${name}.png`), fullPage: true });
    }
    await page.close();
  });

  it('shows hostile strings as text, never as markup', async () => {
    const { page, cspErrors } = await openView(browser);
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';
    await send(page, { ...showE1, title: hostile });
    await page.waitForSelector('h1');
    assert.equal(await page.locator('h1').innerText(), hostile);
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message: hostile });
    await page.waitForSelector('[data-testid="error"]');
    assert.equal(await page.locator('[data-testid="error"]').innerText(), hostile);
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(cspErrors, []);
    await page.close();
  });

  it('shows control characters from a trace escaped (\\x1b), in the call list, the title and tooltips', async () => {
    const evil = '\x1b[2J\x1b]0;x\x07\u009b31m';
    const call = { index: 0, pid: 7, comm: evil, line: 3, verdict: 'match' as const, input: 'UBUF read 12288', observedRet: 4, predictedRet: 4, anomalies: [], missing: [], differences: [], caller: null };
    // The trace editor's view: its call list comes a page at a time from the host.
    const { page } = await openView(browser, (m) =>
      isWebviewToHost(m) && m.type === 'requestCalls' ? { v: WEBVIEW_PROTOCOL_VERSION, type: 'traceCallRows', traceId: 1, query: m.query, start: 0, total: 1, calls: [call] } : undefined,
    );
    const overview = { traceId: 1, calls: 1, tasks: 1, time: { from: 0, to: 1 }, window: { from: 0, to: 1, bins: 1 }, firstLane: 0, lanes: [{ pid: 7, label: `${evil}[7]` }], cells: [0, 0, 1, 0, 0, 0], pins: null, histograms: [] };
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: `calls of ${evil}`, overview });
    await page.waitForSelector('[data-testid="trace-call"]');
    const texts = await page.evaluate(() => [document.querySelector('h1')!.textContent, document.querySelector('[data-testid="trace-call"]')!.textContent]);
    for (const text of texts) {
      assert.match(text!, /\\x1b\[2J\\x1b\]0;x\\x07\\u009b31m/);
      assert.doesNotMatch(text!, /[\u0000-\u001f\u007f-\u009f]/);
    }
    // A bvec slot's page text, as a probe printed it, lands in a tooltip.
    await send(page, { ...showE1, title: evil, observed: { ret: 4, bytes: 0x3000, missing: [], bvecs: [{ idx: 0, offset: 0x100, len: 0xf00, page: evil }] } });
    await page.waitForSelector('[data-testid="bvec"]');
    const titles = await page.evaluate(() => [document.querySelector('h1')!.textContent, ...Array.from(document.querySelectorAll('[title]')).map((e) => e.getAttribute('title'))]);
    assert.ok(titles.some((t) => t!.includes('bv_page \\x1b[2J')), titles.join(' | '));
    for (const t of titles) assert.doesNotMatch(t!, /[\u0000-\u001f\u007f-\u009f]/);
    await page.close();
  });

  it('ignores messages that are not part of the protocol', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="bvec"]');
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'bad', result: { ...e1, bvecs: 'x' } });
    await send(page, { type: 'showError', message: 'no version' });
    await send(page, showE1); // a valid message after the bad ones: all were handled in order
    assert.equal(await page.locator('[data-testid="bvec"]').count(), 4);
    assert.equal(await page.locator('[data-testid="error"]').count(), 0);
    await page.close();
  });

  it('shows a comparison of variants as one row each', async () => {
    const { page } = await openView(browser);
    const results = (['v0', 'v1', 'v2', 'v3'] as const).map((variant) =>
      replayCall(normaliseCall({ ...EXAMPLE_E1, variant, unmapped: [{ addr: '0x7f0000001000', len: 0x1000 }] })),
    );
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showComparison', title: 'E3: v0 … v3', results });
    await page.waitForSelector('[data-testid="comparison-row"]');
    const rows = await page.locator('[data-testid="comparison-row"]').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-variant'), r.getAttribute('data-ret')]));
    assert.deepEqual(rows, [['v0', '0'], ['v1', '-14'], ['v2', '-14'], ['v3', '-14']]);
    await page.close();
  });

  it('shows the model against the kernel for a traced call; a step chosen by click or keyboard is sent to the host', async () => {
    const { page } = await openView(browser);
    // A garbled slot index (a torn trace line) does not make four billion rows.
    await send(page, { ...showE1, observed: { ret: 3, bytes: 12288, missing: [], bvecs: [{ idx: 4_000_000_000, offset: 0, len: 0, page: null }] } });
    await page.waitForSelector('[data-testid="verdict-summary"]');
    assert.match(await page.locator('[data-testid="verdict-summary"]').innerText(), /disagree/);
    assert.equal(await page.locator('[data-testid="bvec-grid"]').getAttribute('aria-rowcount'), '5');
    // Pins and unpins: this observation does not record them.
    assert.deepEqual(await page.locator('[data-testid="verdict-row"]').evaluateAll((rs) => rs.map((r) => r.className)), ['differs', 'same', 'unknown', 'unknown']);
    await page.locator('[data-testid="step"]').nth(2).click();
    await page.locator('[data-testid="step"]').nth(2).press('ArrowDown');
    await page.keyboard.press('Enter');
    const posted = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.filter((m) => m.type === 'selectStep'));
    assert.deepEqual(posted, [{ v: 1, type: 'selectStep', index: 2 }, { v: 1, type: 'selectStep', index: 3 }]);
    await page.close();
  });

  it('what if: the engine in the webview replays the call through v0 with the first page unmapped', async () => {
    const { page, cspErrors } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="whatif-variant"]');
    assert.match(await page.locator('[data-testid="allocation"]').innerText(), /kvmalloc 0x40 \(64\) bytes: 4 bio_vec\(s\) written from byte 0, page pointers from byte 0x20 \(32\)/);
    await page.locator('[data-testid="whatif-variant"]').selectOption('v0');
    await page.locator('[data-testid="whatif-unmapped"]').fill('0x7f0000001000:0x1000');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned 0 bvecs'));
    assert.match(await page.locator('h1').innerText(), /what if: v0, 4 KiB pages, 0x7f0000001000:0x1000 unmapped/);
    assert.match(await page.locator('[data-testid="kernel-log"]').innerText(), /Couldn't get user pages \(rc=-14\)/);
    // The host is told, so that steps, compare and export follow the what-if.
    const showing = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; title?: string; call?: { variant: string } }> }).__posted.filter((m) => m.type === 'showing'));
    assert.deepEqual(showing.map((m) => [m.call?.variant, /what if: v0/.test(m.title ?? '')]), [['v0', true]]);
    await page.locator('[data-testid="whatif-unmapped"]').fill('nonsense');
    await page.locator('[data-testid="whatif-run"]').click();
    // The what-if builds on the call on screen, which already has one unmapped range.
    assert.match(await page.locator('.what-if [role="alert"]').innerText(), /unmapped\[1\]\.addr: expected a non-negative integer/);
    assert.deepEqual(cspErrors, []);
    await page.close();
  });

  it('a 524,287-page call (a 2 GiB read) through the host pager: a window of rows in the DOM, more asked of the host as the reader scrolls', async () => {
    const pager = new ReplayPager();
    const requests: Array<{ start: number; count: number }> = [];
    const { page } = await openView(browser, (m) => {
      if (!isWebviewToHost(m) || m.type !== 'requestBvecs') return undefined;
      requests.push({ start: m.start, count: m.count });
      return pager.rows(m);
    });
    const big = replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000000000', len: 524_287 * 4096 }] }));
    const message = pager.window({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'big', result: big });
    assert.equal(message.result.bvecs.length, 1000, 'the host posts only the first window');
    await send(page, message);
    await page.waitForSelector('[data-testid="bvec"]');
    const drawn = await page.locator('[data-testid="bvec"]').count();
    assert.ok(drawn > 10 && drawn < 100, `${drawn} rows in the DOM`);
    const rendered = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; bvecs?: number }> }).__posted.find((m) => m.type === 'rendered'));
    assert.equal(rendered?.bvecs, 524_287);
    assert.equal(await page.locator('[data-testid="page-run"]').count(), 1, 'one run of 524,287 pinned pages');
    // To the end: the rows come from the host, one window.
    await page.locator('[data-testid="bvec-grid"]').evaluate((grid) => (grid.scrollTop = grid.scrollHeight));
    await page.waitForSelector('[data-testid="bvec"][data-index="524286"]');
    assert.deepEqual(requests, [{ start: 524_000, count: 287 }]);
    // Keyboard: Home goes back to row 0, ArrowDown moves the active row.
    await page.locator('[data-testid="bvec-grid"]').focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => document.querySelector('[data-testid="bvec-grid"]')?.getAttribute('aria-activedescendant') === 'bvec-row-1');
    assert.equal(await page.locator('#bvec-row-1').getAttribute('class'), 'bvec-row active');
    await page.close();
  });

  it('rows of a paged replay the host no longer holds (a reloaded window) are computed by the engine in the webview', async () => {
    const forgetful = new ReplayPager();
    const { page } = await openView(browser, (m) => (isWebviewToHost(m) && m.type === 'requestBvecs' ? forgetful.rows(m) : undefined));
    const result = replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000000100', len: 5000 * 4096 }] }));
    await send(page, new ReplayPager().window({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'restored', result }));
    await page.waitForSelector('[data-testid="bvec"]');
    await page.locator('[data-testid="bvec-grid"]').evaluate((grid) => (grid.scrollTop = grid.scrollHeight));
    await page.waitForSelector('[data-testid="bvec"][data-index="5000"]');
    assert.equal(await page.locator('[data-testid="bvec"][data-index="5000"]').getAttribute('data-len'), '256');
    await page.close();
  });

  it('a 1,000-segment iovec: segments, page cells and the 2,004 steps are virtualised and still walked by keyboard', async () => {
    const { page } = await openView(browser);
    const segments = Array.from({ length: 1000 }, (_, i) => ({ addr: '0x' + (0x7f0000000000 + i * 16 * 4096).toString(16), len: 10 * 4096 }));
    const result = replayCall(normaliseCall({ iter: 'iovec', segments }));
    assert.equal(result.steps.length, 2004);
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: '1,000 segments', result });
    await page.waitForSelector('[data-testid="step"]');
    for (const testid of ['segment', 'page', 'step', 'bvec']) {
      const inDom = await page.locator(`[data-testid="${testid}"]`).count();
      assert.ok(inDom > 0 && inDom < 200, `${inDom} ${testid} elements in the DOM`);
    }
    // The last step by keyboard: End, then Enter, selects it and asks the host for its lines.
    await page.locator('.steps-rows').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="step"][data-index="2003"].selected');
    const posted = await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; index?: number }> }).__posted.filter((m) => m.type === 'selectStep'));
    assert.deepEqual(posted.map((m) => m.index), [2003]);
    // The host moves the cursor to step 3 (the editor's cursor is in its lines): the list follows.
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'highlightStep', index: 2 });
    await page.waitForSelector('[data-testid="step"][data-index="2"].selected');
    // The page rows scroll to the last page cell.
    await page.locator('.page-rows').evaluate((box) => (box.scrollTop = box.scrollHeight));
    await page.waitForSelector('[data-testid="page"][data-uaddr="0x7f0003e79000"]');
    await page.close();
  });

  it('draws the buffer on a page axis with where GUP stopped; page cells carry their state', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="axis-page"]');
    assert.deepEqual(await page.locator('[data-testid="axis-page"]').evaluateAll((c) => c.map((e) => e.getAttribute('data-state'))), ['buffer', 'buffer', 'buffer', 'buffer']);
    // What if the third page were unmapped (E4), and then -ENOMEM there (E5, v3: both pins released).
    await page.locator('[data-testid="whatif-unmapped"]').fill('0x7f0000003000:0x1000');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-state="fault"]').length === 1);
    assert.deepEqual(await page.locator('[data-testid="axis-page"]').evaluateAll((c) => c.map((e) => e.getAttribute('data-state'))), ['buffer', 'buffer', 'fault', 'buffer']);
    await page.locator('[data-testid="whatif-unmapped"]').fill('');
    await page.locator('[data-testid="whatif-enomem"]').fill('0x7f0000003000:0x1000');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned -12'));
    assert.deepEqual(await page.locator('[data-testid="page"]').evaluateAll((c) => c.map((e) => e.getAttribute('data-state'))), ['unpinned', 'unpinned', 'failed']);
    await page.close();
  });

  it('marks the step the editor cursor is in, without replacing the view', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="step"]');
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'highlightStep', index: 3 });
    await page.waitForSelector('[data-testid="step"].selected');
    assert.deepEqual(await page.locator('[data-testid="step"]').evaluateAll((s) => s.map((e) => e.classList.contains('selected'))), [false, false, false, true, false, false]);
    const state = await page.evaluate(() => (window as unknown as { __state: { view: { type: string }; step: number } }).__state);
    assert.deepEqual([state.view.type, state.step], ['showReplay', 3], 'the saved state is still the replay, with the step');
    await page.close();
  });

  it('the editor cursor walking the loop lines walks the iterations: extract and fill of segment 1, then 2, then 3', async () => {
    const { page } = await openView(browser);
    const three = replayCall(normaliseCall({ iter: 'iovec', segments: [0, 1, 2].map((i) => ({ addr: '0x' + (0x7f0000010000 + i * 0x10000).toString(16), len: 0x100 })) }));
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'three segments', result: three });
    await page.waitForSelector('[data-testid="step"]');
    const anchors = three.steps.map((s) => s.anchor);
    const firstExtract = anchors.indexOf('extract');
    const firstFill = anchors.indexOf('fill');
    const selected: number[] = [];
    // The host names the first step of the lines the cursor is in; the view takes the iteration that follows.
    for (const index of [firstExtract, firstFill, firstExtract, firstFill, firstExtract, firstFill, firstExtract]) {
      await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'highlightStep', index });
      selected.push(Number(await page.locator('[data-testid="step"].selected').getAttribute('data-index')));
    }
    const extracts = anchors.flatMap((a, i) => (a === 'extract' ? [i] : []));
    const fills = anchors.flatMap((a, i) => (a === 'fill' ? [i] : []));
    assert.deepEqual(selected, [extracts[0], fills[0], extracts[1], fills[1], extracts[2], fills[2], extracts[0]]);
    await page.close();
  });

  it('a real call from the kernel-trace fixtures: three iovec segments in one page show three bvecs on one page pinned three times', async function () {
    const calls: TraceCallResult[] = [];
    await readTraceFile(join(KERNEL_TRACES, 'kprobe/iovec.trace.txt'), { onCall: (c) => calls.push(replayTraceCall(c, '6.12', 'v3')) });
    const threeInOne = calls.find((c) => c.input?.segments.length === 3 && c.input.len === 4096);
    assert.ok(threeInOne?.predicted, 'the trace has the three-segments-in-one-page call');
    const { page } = await openView(browser);
    const observed = { ...observedForView(threeInOne, traceRecords(calls)), missing: [] };
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'iovec.trace.txt', result: threeInOne.predicted, observed });
    await page.waitForSelector('[data-testid="bvec"]');
    assert.equal(await page.locator('[data-testid="bvec"]').count(), 3);
    const pages = await page.locator('[data-testid="page"]').evaluateAll((c) => c.map((e) => [e.getAttribute('data-held'), e.getAttribute('data-state')]));
    assert.deepEqual(pages, [['3', 'pinned-repeatedly']]);
    assert.match(await page.locator('[data-testid="verdict-summary"]').innerText(), /agrees/);
    // Return, count, pages pinned and unpins all recorded by this trace, all the same.
    assert.deepEqual(await page.locator('[data-testid="verdict-row"]').evaluateAll((rs) => rs.map((r) => r.className)), ['same', 'same', 'same', 'same']);
    const rounds = await page.locator('[data-testid="round-row"]').evaluateAll((rs) => rs.map((r) => r.className));
    assert.deepEqual(rounds, threeInOne.observed.pinRounds.map(() => 'same'), 'each recorded GUP round as the model has it');
    assert.ok(rounds.length > 0);
    await page.close();
  });

  it('a real kprobe call: the slots recorded past the returned count show as stale heap data', async function () {
    const calls: TraceCallResult[] = [];
    await readTraceFile(join(KERNEL_TRACES, 'kprobe/aligned.trace.txt'), { onCall: (c) => calls.push(replayTraceCall(c, '6.12', 'v3')) });
    const onePage = calls.find((c) => c.observed.ret === 1);
    assert.ok(onePage?.predicted, 'the trace has a one-page read');
    const { page } = await openView(browser);
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'aligned.trace.txt', result: onePage.predicted, observed: { ...observedForView(onePage, traceRecords(calls)), missing: [] } });
    await page.waitForSelector('[data-testid="bvec"]');
    assert.equal(await page.locator('[data-testid="bvec"]').count(), 1);
    assert.equal(await page.locator('[data-testid="bvec"] .same').innerText(), 'same');
    assert.match((await page.locator('[data-testid="bvec"] .same').getAttribute('title')) ?? '', /kernel recorded bv_offset 0x0, bv_len 0x1000 \(4096\), bv_page 0xffffea/);
    const stale = await page.locator('[data-testid="bvec-stale"]').evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    assert.equal(stale.length, 3, 'slots 1-3 of the four the kprobe prints');
    for (const row of stale) assert.match(row, /past the returned count.*stale heap data/);
    // The verdict agrees: the stale slots are not compared.
    assert.match(await page.locator('[data-testid="verdict-summary"]').innerText(), /agrees/);
    await page.close();
  });

  it('a real -EFAULT call replayed through v0 disagrees with the kernel, and the panel says where', async function () {
    const calls: TraceCallResult[] = [];
    await readTraceFile(join(KERNEL_TRACES, 'kprobe/efault.trace.txt'), { onCall: (c) => calls.push(replayTraceCall(c, '6.12', 'v0')) });
    const failed = calls.find((c) => c.observed.ret === -14);
    assert.ok(failed?.predicted, 'the trace has a call the kernel failed with -EFAULT');
    const { page } = await openView(browser);
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'efault.trace.txt through v0', result: failed.predicted, observed: { ...observedForView(failed, traceRecords(calls)), missing: [] } });
    await page.waitForSelector('[data-testid="verdict-summary"]');
    assert.match(await page.locator('[data-testid="verdict-summary"]').innerText(), /v0 model and the kernel disagree on the return value/);
    assert.match(await page.locator('[data-testid="differences"]').innerText(), /return: kernel -14, model 0/);
    // The GUP rounds agree: the difference is in what v0 makes of the failure, not in the pinning.
    assert.deepEqual(await page.locator('[data-testid="round-row"]').evaluateAll((rs) => rs.map((r) => r.className)), failed.observed.pinRounds.map(() => 'same'));
    await page.close();
  });

  it('a traced call says which variant replayed it and why, and warns when the calls disagree with it', async function () {
    const path = join(KERNEL_TRACES, 'kprobe/efault.trace.txt');
    const results: TraceCallResult[] = [];
    // Forced to v0, as a user's setting would: the trace's -EFAULT returns say otherwise.
    const { decision } = await replayTrace({ variant: 'v0', kernel: null }, (one) => {
      results.length = 0;
      return readTraceFile(path, { onCall: (c, t) => results.push(one(c, t)) });
    });
    const failed = results.find((c) => c.observed.ret === -14)!;
    const variant = { reason: `${decision.variant}: ${decision.reason}`, warning: decision.contradiction ?? decision.conflict };
    const { page } = await openView(browser);
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'efault.trace.txt', result: failed.predicted, observed: { ...observedForView(failed, traceRecords(results)), missing: [], variant } });
    await page.waitForSelector('[data-testid="variant-why"]');
    assert.equal(await page.locator('[data-testid="variant-why"]').innerText(), 'Replayed as v0: v0 as asked (--variant or pinscope.variant)');
    assert.match(await page.locator('[data-testid="variant-warning"]').innerText(), /the calls disagree with v0: lines 14, 20, 26 \(and 3 more\): an error return \(-EFAULT\)/);
    await page.close();
  });

  it('choosing a step shows the state after it in every panel; "at return" goes back', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="step"]');
    const states = () => page.locator('[data-testid="page"]').evaluateAll((c) => c.map((e) => `${e.getAttribute('data-state')}×${e.getAttribute('data-held')}`));
    const futureRows = () => page.locator('[data-testid="bvec"].future').count();
    // Step 1, iov_iter_npages: nothing pinned, nothing written.
    await page.locator('[data-testid="step"]').nth(0).click();
    assert.deepEqual(await states(), ['future×0', 'future×0', 'future×0', 'future×0']);
    assert.equal(await futureRows(), 4);
    assert.match(await page.locator('[data-testid="step-state"]').innerText(), /After “iov_iter_npages”: count 0x3000 \(12288\), npages 0/);
    // Step 3, the extraction: four pages pinned, four pointers written, no bvec yet.
    await page.locator('[data-testid="step"]').nth(2).click();
    assert.deepEqual(await states(), ['pinned×1', 'pinned×1', 'pinned×1', 'pinned×1']);
    assert.equal(await futureRows(), 4);
    assert.match(await page.locator('[data-testid="step-state"]').innerText(), /4 page pointer\(s\) written, 1 GUP round\(s\), 4 pin\(s\) held/);
    assert.match(await page.locator('[data-testid="allocation"]').innerText(), /0 bio_vec\(s\) written/);
    assert.match(await page.locator('[data-testid="orig-consumed"]').innerText(), /0x3000 \(12288\) of 0x3000 \(12288\) bytes at this step/);
    // Step 4, the fill: every bvec written; the cursor has read all four pointers.
    await page.locator('[data-testid="step"]').nth(3).click();
    assert.equal(await futureRows(), 0);
    assert.match(await page.locator('[data-testid="allocation-cursor"]').innerText(), /slot 4 of 4/);
    await page.locator('[data-testid="step-return"]').click();
    assert.match(await page.locator('[data-testid="step-state"]').innerText(), /At return: 4 bvec\(s\), 4 pin\(s\) held/);
    assert.equal(await page.locator('[data-testid="step"].selected').count(), 0);
    // E5 in v3: after the cleanup step the pages are unpinned and the block is freed.
    await page.locator('[data-testid="whatif-enomem"]').fill('0x7f0000003000:0x1000');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned -12'));
    await page.locator('[data-testid="step"].step-extract').first().click();
    assert.deepEqual(await states(), ['pinned×1', 'pinned×1', 'failed×0']);
    await page.locator('[data-testid="step"].step-cleanup').click();
    assert.deepEqual(await states(), ['unpinned×0', 'unpinned×0', 'failed×0']);
    assert.equal(await page.locator('[data-testid="block-bar"].freed').count(), 1);
    await page.close();
  });

  it('the allocation bar marks a clobbered page pointer', async () => {
    const { page } = await openView(browser);
    // No kernel path clobbers a pointer (the loop reads pointer k before writing bvec k), so the
    // view is fed a result that says one was, as the engine would report it.
    const clobbered = { ...e1, block: { ...e1.block!, clobbers: [{ bvec: 3, slot: 3 }] } };
    await send(page, { ...showE1, result: clobbered });
    await page.waitForSelector('[data-testid="clobber"]');
    assert.equal(await page.locator('[data-testid="clobber"]').getAttribute('title'), 'bvec 3 overwrote page-pointer slot 3 before it was read');
    const left = await page.locator('[data-testid="clobber"]').evaluate((el) => (el as HTMLElement).style.left);
    assert.equal(left, '87.5%', 'slot 3 of a 64-byte block: byte 32 + 8×3 = 56');
    assert.match(await page.locator('[data-testid="allocation-cursor"]').innerText(), /1 pointer\(s\) were overwritten first/);
    await page.close();
  });

  it('what if max_pages were 2, 16 KiB pages, and all four variants side by side', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    // 16 KiB pages: E1's 0x3000 bytes from 0x7f0000001100 touch two of them.
    await page.locator('[data-testid="whatif-pagesize"]').selectOption('16384');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned 2 bvecs'));
    assert.deepEqual(await page.locator('[data-testid="bvec"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-len')))), [0x2f00, 0x100]);
    await page.locator('[data-testid="whatif-pagesize"]').selectOption('4096');
    await page.locator('[data-testid="whatif-maxpages"]').fill('2');
    await page.locator('[data-testid="whatif-maxpages"]').press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned 2 bvecs'));
    assert.match(await page.locator('h1').innerText(), /max_pages 2/);
    assert.match(await page.locator('[data-testid="step"]').nth(0).innerText(), /max_pages = 2 — what if: the buffer spans 4 page/);
    await page.locator('[data-testid="whatif-variant"]').selectOption('compare');
    await page.locator('[data-testid="whatif-maxpages"]').fill('');
    await page.locator('[data-testid="whatif-unmapped"]').fill('0x7f0000001000:0x1000');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForSelector('[data-testid="comparison-row"]');
    const rows = await page.locator('[data-testid="comparison-row"]').evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-variant'), r.getAttribute('data-ret')]));
    assert.deepEqual(rows, [['v0', '0'], ['v1', '-14'], ['v2', '-14'], ['v3', '-14']]);
    // A row opens that variant's replay (Enter works as well as a click).
    await page.locator('[data-testid="comparison-row"][data-variant="v1"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned -14'));
    assert.equal(await page.locator('[data-testid="variant"]').innerText(), 'v1');
    await page.close();
  });

  it('page cells and steps are walked with the arrow keys and carry screen-reader labels', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    await page.waitForSelector('[data-testid="page"]');
    await page.locator('[data-testid="page"]').first().focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-uaddr')), '0x7f0000002000');
    assert.match((await page.locator('[data-testid="page"]').nth(1).getAttribute('aria-label')) ?? '', /0x7f0000002000: pinned, 1 pin\(s\) held; frame \d+, small folio/);
    await page.locator('[data-testid="step"]').first().focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('[data-testid="step"]').last().getAttribute('aria-selected'), 'true');
    await page.close();
  });

  it('what if a sibling thread unmaps the rest of the buffer before the second extraction', async () => {
    const { page } = await openView(browser);
    const iovec = replayCall(
      normaliseCall({ iter: 'iovec', segments: [{ addr: '0x7f0000001000', len: 0x1000 }, { addr: '0x7f0000010000', len: 0x1000 }] }),
    );
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: 'two segments', result: iovec });
    await page.waitForSelector('[data-testid="whatif-munmap"]');
    assert.match(await page.locator('[data-testid="allocation-cursor"]').innerText(), /slot 2 of 2/);
    await page.locator('[data-testid="whatif-munmap"]').fill('1@0x7f0000010000:0x1000');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="verdict"]')?.textContent?.includes('returned 1 bvec covering'));
    assert.match(await page.locator('h1').innerText(), /munmap 1@0x7f0000010000:0x1000/);
    assert.match(await page.locator('[data-testid="step"]').nth(4).innerText(), /sibling thread unmapped 0x7f0000010000/);
    await page.close();
  });

  it('a reload restores the replay and the step on the cursor', async () => {
    const { page } = await openView(browser);
    await send(page, showE1);
    await page.locator('[data-testid="step"]').nth(2).click();
    await page.reload();
    await page.waitForSelector('[data-testid="bvec"]');
    // It tells the host it restored its view, so that the host does not send the replay again.
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.find((m) => m.type === 'ready')), { v: 1, type: 'ready', restored: true });
    assert.equal(await page.locator('[data-testid="step"].selected').getAttribute('data-index'), '2');
    assert.match(await page.locator('[data-testid="step-state"]').innerText(), /After “iov_iter_extract_pages #1”/);
    assert.equal(await page.locator('[data-testid="bvec"].future').count(), 4);
    await page.close();
  });

  it('a big what-if result is saved without its rows and recomputed after a reload', async () => {
    const { page } = await openView(browser, (m) => (isWebviewToHost(m) && m.type === 'requestBvecs' ? new ReplayPager().rows(m) : undefined));
    const result = replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000000100', len: 5000 * 4096 }] }));
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title: '5,000 pages', result });
    await page.locator('[data-testid="whatif-variant"]').selectOption('v0');
    await page.locator('[data-testid="whatif-run"]').click();
    await page.waitForFunction(() => document.querySelector('h1')?.textContent?.includes('what if: v0'));
    const saved = await page.evaluate(() => (window as unknown as { __state: { view: { result: { bvecs: unknown[] }; paging: unknown } } }).__state.view);
    assert.deepEqual([saved.result.bvecs.length, saved.paging], [1000, { id: -1, total: 5001 }]);
    await page.reload();
    await page.waitForSelector('[data-testid="bvec"]');
    assert.match(await page.locator('h1').innerText(), /what if: v0/);
    await page.locator('[data-testid="bvec-grid"]').evaluate((grid) => (grid.scrollTop = grid.scrollHeight));
    await page.waitForSelector('[data-testid="bvec"][data-index="5000"]');
    await page.close();
  });
});
