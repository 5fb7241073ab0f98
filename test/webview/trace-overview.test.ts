// The trace editor's view in Chromium: the overview drawn from given bins
// (what colour lands where, what a hover says), clicks that list or open the
// calls they point at, the call list paged from the host, hostile task names.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { TraceCallSummaryDto } from '../../extension/protocol/trace-calls';
import type { TraceOverviewDto } from '../../extension/protocol/trace-overview';
import { isWebviewToHost } from '../../extension/protocol/guards';
import { WEBVIEW_PROTOCOL_VERSION, type HostToWebview, type RequestCallsMessage, type WebviewToHost } from '../../extension/protocol/webview';
import { launchChromium } from '../support/browser';
import { openView, send } from '../support/webview-page';

const HOSTILE = '<img src=x onerror="window.__pwned=1">';
/** Theme colours chosen so that each kind is one pure channel mix. */
const THEME: Record<string, string> = {
  '--vscode-testing-iconPassed': '#00c000',
  '--vscode-errorForeground': '#ff0000',
  '--vscode-descriptionForeground': '#808080',
  '--vscode-charts-orange': '#ff8000',
  '--vscode-charts-blue': '#0000ff',
};

/** Ten 1-second bins over three single-task lanes; every number known. */
const OVERVIEW: TraceOverviewDto = {
  traceId: 4,
  calls: 12,
  tasks: 3,
  time: { from: 0, to: 10 },
  window: { from: 0, to: 10, bins: 10 },
  firstLane: 0,
  lanes: [
    { pid: 4711, label: 'dd[4711]' },
    { pid: 4712, label: HOSTILE },
    { pid: 9, label: 'fio[9]' },
  ],
  // [lane, bin, calls, mismatch, incomplete, anomalous]: 5 matches; 4 calls with a mismatch; 1 with an anomaly; 2 incomplete.
  cells: [0, 2, 5, 0, 0, 0, 1, 5, 4, 1, 0, 0, 2, 7, 1, 0, 0, 1, 2, 8, 2, 0, 2, 0],
  pins: { pinned: [0, 0, 4, 0, 0, 5, 0, 1, 0, 0], unpinned: [0, 0, 0, 0, 0, 1, 0, 0, 0, 0], outstanding: [0, 0, 4, 4, 4, 8, 8, 9, 9, 9] },
  histograms: [
    { kind: 'bytes', unit: 'bytes', edges: [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768], counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 3, 0], unknown: 0 },
    { kind: 'duration', unit: 'µs', edges: [0, 1, 2, 4, 8], counts: [2, 6, 4, 0], unknown: 0 },
  ],
};

function summary(index: number, comm: string, verdict: TraceCallSummaryDto['verdict'] = 'match'): TraceCallSummaryDto {
  return { index, pid: 4711, comm, line: 100 + index, verdict, input: 'UBUF read 4096', observedRet: 1, predictedRet: 1, anomalies: [], missing: [], differences: [], caller: null };
}

/** A host holding `total` calls for any selection (call i at index `base + i`), answering pages as the editor does. */
function pagingHost(total: (selection: RequestCallsMessage['selection']) => number, base = 0) {
  return (message: unknown): HostToWebview | undefined => {
    if (!isWebviewToHost(message) || message.type !== 'requestCalls') return undefined;
    const n = total(message.selection);
    const calls = Array.from({ length: Math.max(0, Math.min(message.count, n - message.start)) }, (_, i) => summary(base + message.start + i, i === 0 ? HOSTILE : 'dd'));
    return { v: WEBVIEW_PROTOCOL_VERSION, type: 'traceCallRows', traceId: message.traceId, query: message.query, start: message.start, total: n, calls };
  };
}

async function posted(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted);
}

async function showOverview(page: Page, overview: TraceOverviewDto = OVERVIEW): Promise<void> {
  await page.evaluate((vars) => {
    for (const [key, value] of Object.entries(vars)) document.documentElement.style.setProperty(key, value);
  }, THEME);
  await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: 'suite.trace', overview });
  await page.waitForSelector('[data-testid="overview-timeline"]');
}

/** The canvas's plot geometry (CSS px) and the centre of cell (lane, bin) in page coordinates. */
async function cellCentre(page: Page, lane: number, bin: number, bins = 10): Promise<{ x: number; y: number; cx: number; cy: number }> {
  const canvas = page.locator('[data-testid="overview-timeline"]');
  const box = (await canvas.boundingBox())!;
  const left = Number(await canvas.getAttribute('data-plot-left'));
  const width = Number(await canvas.getAttribute('data-plot-width'));
  const lanePx = Number(await canvas.getAttribute('data-lane-px'));
  const cx = left + ((bin + 0.5) / bins) * width;
  const cy = (lane + 0.5) * lanePx;
  return { x: box.x + cx, y: box.y + cy, cx, cy };
}

/** The RGBA of the timeline canvas at a point (CSS px inside it). */
function pixel(page: Page, cx: number, cy: number): Promise<number[]> {
  return page.evaluate(
    ([x, y]) => {
      const canvas = document.querySelector('[data-testid="overview-timeline"]') as HTMLCanvasElement;
      const ratio = canvas.width / canvas.clientWidth;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.floor(x * ratio), Math.floor(y * ratio), 1, 1).data);
    },
    [cx, cy] as const,
  );
}

/** The hue a pixel shows: which channels carry it. */
function hue([r, g, b, a]: number[]): string {
  if (!a) return 'empty';
  if (r! > 200 && g! > 100 && g! < 160 && b! < 60) return 'orange';
  if (r! > 200 && g! < 60 && b! < 60) return 'red';
  if (g! > 150 && r! < 60 && b! < 60) return 'green';
  if (Math.abs(r! - g!) < 12 && Math.abs(g! - b!) < 12 && r! > 90 && r! < 170) return 'grey';
  return `rgba(${r}, ${g}, ${b}, ${a})`;
}


/** The timeline zoomed to 2 s – 3 s: its canvas and box, where its plot starts, a lane's height, a time's x, and the colour of a lane at a time. */
async function zoomedTimeline(page: Page) {
  const canvas = page.locator('[data-testid="overview-timeline"]');
  const box = (await canvas.boundingBox())!;
  const left = Number(await canvas.getAttribute('data-plot-left'));
  const width = Number(await canvas.getAttribute('data-plot-width'));
  const lanePx = Number(await canvas.getAttribute('data-lane-px'));
  const x = (t: number) => left + (t - 2) * width;
  const at = async (t: number, lane: number) => hue(await pixel(page, x(t), (lane + 0.5) * lanePx));
  return { canvas, box, left, width, lanePx, x, at };
}
describe('webview: the trace overview and its paged call list in Chromium', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  it('draws each cell where its lane and bin are, in its kind’s colour (anomaly over mismatch over incomplete over match); empty cells stay blank', async () => {
    const { page, cspErrors } = await openView(browser, pagingHost(() => 12));
    await showOverview(page);
    const at = async (lane: number, bin: number) => {
      const { cx, cy } = await cellCentre(page, lane, bin);
      return hue(await pixel(page, cx, cy));
    };
    assert.equal(await at(0, 2), 'green', '5 matches');
    assert.equal(await at(1, 5), 'red', '3 matches and a mismatch: the mismatch shows');
    assert.equal(await at(2, 7), 'orange', 'an anomaly');
    assert.equal(await at(2, 8), 'grey', 'incomplete calls');
    for (const [lane, bin] of [[0, 0], [0, 5], [1, 2], [2, 2], [1, 9]] as const) assert.equal(await at(lane, bin), 'empty', `cell ${lane},${bin}`);
    assert.equal(await page.locator('[data-testid="overview-summary"]').innerText(), '12 calls in 3 tasks, 0.0 s – 10.0 s');
    assert.deepEqual(cspErrors, []);
    await page.close();
  });

  it('a hover says what a cell holds and what the pin balance is; a hostile task name stays text', async () => {
    const { page, cspErrors } = await openView(browser, pagingHost(() => 4));
    await showOverview(page);
    const cell = await cellCentre(page, 1, 5);
    await page.mouse.move(cell.x, cell.y);
    assert.equal(await page.locator('[data-testid="overview-tip"]').innerText(), `${HOSTILE} · 5.00 s – 6.00 s · 4 calls: 1 mismatch`);
    const canvas = page.locator('[data-testid="overview-timeline"]');
    const pinsTop = Number(await canvas.getAttribute('data-pins-top'));
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(cell.x, box.y + pinsTop + 40);
    assert.equal(await page.locator('[data-testid="overview-tip"]').innerText(), '5.00 s – 6.00 s · 8 pins outstanding at its end (5 pinned, 1 unpinned in it)');
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(cspErrors, []);
    await page.close();
  });

  it('clicking a cell lists the calls of its tasks in its time; a row click replays that call', async () => {
    const { page } = await openView(browser, pagingHost((s) => (s.pid ? 4 : 12), 20));
    await showOverview(page);
    const cell = await cellCentre(page, 1, 5);
    await page.mouse.click(cell.x, cell.y);
    await page.waitForFunction(() => /^4 calls/.test(document.querySelector('[data-testid="call-list-heading"]')!.textContent ?? ''));
    const asked = (await posted(page)).filter((m): m is RequestCallsMessage => m.type === 'requestCalls');
    assert.deepEqual(asked.at(-1)!.selection, { time: { from: 5, to: 6 }, pid: 4712 });
    assert.equal(await page.locator('[data-testid="call-list-heading"]').innerText(), `4 calls — ${HOSTILE}, 5.00 s – 6.00 s`);
    assert.equal(await page.locator('[data-testid="trace-call"]').count(), 4);
    assert.match(await page.locator('[data-testid="trace-call"]').first().innerText(), /<img src=x onerror="window.__pwned=1"> \[4711\]/);
    await page.locator('[data-testid="trace-call"][data-index="22"]').click();
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'openTraceCall'), [{ v: 1, type: 'openTraceCall', traceId: 4, index: 22 }]);
    assert.equal(await page.locator('img').count(), 0);
    await page.close();
  });

  it('a click that picks one call opens it; a pin-balance point lists every task’s calls in its time; a histogram bar lists its class', async () => {
    const { page } = await openView(browser, pagingHost((s) => (s.pid ? 1 : s.bytes ? 9 : 6), 40));
    await showOverview(page);
    const cell = await cellCentre(page, 2, 7);
    await page.mouse.click(cell.x, cell.y);
    await page.waitForFunction(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.some((m) => m.type === 'openTraceCall'));
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'openTraceCall'), [{ v: 1, type: 'openTraceCall', traceId: 4, index: 40 }]);
    const canvas = page.locator('[data-testid="overview-timeline"]');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(cell.x, box.y + Number(await canvas.getAttribute('data-pins-top')) + 40);
    await page.waitForFunction(() => /^6 calls/.test(document.querySelector('[data-testid="call-list-heading"]')!.textContent ?? ''));
    const histogram = page.locator('[data-testid="histogram-bytes"]');
    const hbox = (await histogram.boundingBox())!;
    const barLeft = Number(await histogram.getAttribute('data-bar-left'));
    const barPx = Number(await histogram.getAttribute('data-bar-px'));
    await page.mouse.move(hbox.x + barLeft + 13.5 * barPx, hbox.y + hbox.height / 2);
    assert.equal(await page.locator('[data-testid="histogram-bytes-tip"]').innerText(), '4 Ki–8 Ki bytes: 9 calls');
    await page.mouse.click(hbox.x + barLeft + 13.5 * barPx, hbox.y + hbox.height / 2);
    await page.waitForFunction(() => /^9 calls/.test(document.querySelector('[data-testid="call-list-heading"]')!.textContent ?? ''));
    const asked = (await posted(page)).filter((m): m is RequestCallsMessage => m.type === 'requestCalls').map((m) => m.selection);
    assert.deepEqual(asked.slice(-3), [{ time: { from: 7, to: 8 }, pid: 9 }, { time: { from: 7, to: 8 } }, { bytes: { from: 4096, to: 8192 } }]);
    assert.equal(await page.locator('[data-testid="call-list-heading"]').innerText(), '9 calls — Bytes per call: 4 Ki–8 Ki bytes');
    await page.close();
  });

  it('the wheel zooms at once from the bins held, then asks for finer bins; the answer is drawn where its times are', async () => {
    const { page } = await openView(browser, pagingHost(() => 12));
    await showOverview(page);
    const cell = await cellCentre(page, 0, 2);
    // Zoom in about the matches in bin 2 (2–3 s).
    await page.mouse.move(cell.x, cell.y);
    for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -250);
    await page.waitForFunction(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.some((m) => m.type === 'requestOverview'));
    const request = (await posted(page)).filter((m) => m.type === 'requestOverview').at(-1) as Extract<WebviewToHost, { type: 'requestOverview' }>;
    assert.equal(request.traceId, 4);
    assert.ok(request.to - request.from < 10 && request.from >= 0 && request.to <= 10, `window ${request.from}–${request.to}`);
    assert.ok(request.from < 2.5 && request.to > 2.5, 'the time under the pointer stays in view');
    // Bins for that window: one cell of lane 2 at the window's middle.
    const bins = 40;
    const middle = (request.from + request.to) / 2;
    const finer: TraceOverviewDto = { ...OVERVIEW, window: { from: request.from, to: request.to, bins }, cells: [2, bins / 2, 1, 1, 0, 0], pins: null };
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'overviewBins', overview: finer });
    const canvas = page.locator('[data-testid="overview-timeline"]');
    const left = Number(await canvas.getAttribute('data-plot-left'));
    const width = Number(await canvas.getAttribute('data-plot-width'));
    const lanePx = Number(await canvas.getAttribute('data-lane-px'));
    const cx = left + ((middle + 0.5 * ((request.to - request.from) / bins) - request.from) / (request.to - request.from)) * width;
    assert.equal(hue(await pixel(page, cx, 2.5 * lanePx)), 'red', 'the finer bins are drawn');
    assert.equal(hue(await pixel(page, cx, 0.5 * lanePx)), 'empty', 'the coarse cells are gone');
    await page.close();
  });

  it('the call list of 266,720 calls asks only for the pages it shows; End then Enter replays the last call', async () => {
    const { page } = await openView(browser, pagingHost(() => 266_720));
    await showOverview(page, { ...OVERVIEW, calls: 266_720 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="trace-call"]').length > 0);
    assert.equal(await page.locator('[data-testid="call-list-heading"]').innerText(), '266,720 calls — all');
    const inDom = await page.locator('[data-testid="trace-call"]').count();
    assert.ok(inDom > 10 && inDom < 100, `${inDom} rows in the DOM`);
    await page.locator('[data-testid="call-list"]').focus();
    await page.keyboard.press('End');
    await page.waitForSelector('[data-testid="trace-call"][data-index="266719"]');
    await page.keyboard.press('Enter');
    const messages = await posted(page);
    assert.deepEqual(messages.filter((m) => m.type === 'openTraceCall'), [{ v: 1, type: 'openTraceCall', traceId: 4, index: 266_719 }]);
    const pages = messages.filter((m): m is RequestCallsMessage => m.type === 'requestCalls').map((m) => m.start);
    assert.deepEqual(pages, [0, 266_500], 'the first page, then the last');
    await page.close();
  });

  it('zoomed in until calls are wider than a pixel, a lane draws each call’s span in its kind’s colour; a click on a span opens that call', async () => {
    const { page } = await openView(browser, pagingHost(() => 12));
    // A window of 1 s from 2 s: lane 0 has three calls of 20–100 ms (tens of pixels each), lane 1 calls of 1 µs (narrower than a pixel).
    const zoomed: TraceOverviewDto = {
      ...OVERVIEW,
      window: { from: 2, to: 3, bins: 10 },
      // Cells of both lanes in every bin: lane 0's are hidden under its spans, lane 1's stay.
      cells: Array.from({ length: 10 }, (_, bin) => [0, bin, 1, 0, 0, 0, 1, bin, 1, 0, 0, 0]).flat(),
      spans: [
        ...[0, 100, 2.1, 2.15, 0, 0],
        ...[0, 101, 2.4, 2.5, 1, 0],
        ...[0, 102, 2.7, 2.72, 0, 1],
        ...[1, 200, 2.3, 2.300001, 1, 0],
      ],
      pins: null,
    };
    await showOverview(page, zoomed);
    const { canvas, box, left, width, lanePx, x, at } = await zoomedTimeline(page);
    assert.equal(await canvas.getAttribute('data-spans'), '3', 'lane 0’s three calls drawn one by one, lane 1’s are not');
    assert.equal(await at(2.125, 0), 'green', 'call 101: a match');
    assert.equal(await at(2.45, 0), 'red', 'call 102: a mismatch');
    assert.equal(await at(2.71, 0), 'orange', 'call 103: an anomaly');
    for (const t of [2.05, 2.3, 2.6, 2.9]) assert.equal(await at(t, 0), 'empty', `lane 0 between its calls (${t} s): no cell under the spans`);
    assert.equal(await at(2.3, 1), 'green', 'lane 1, calls narrower than a pixel: its cells');
    // The readout names the call under the pointer; a click opens it.
    await page.mouse.move(box.x + x(2.45), box.y + 0.5 * lanePx);
    assert.match(await page.locator('[data-testid="overview-tip"]').innerText(), /^dd\[4711\] · call 102 · 2\.40 s · 100\.0 ms · mismatch$/);
    await page.mouse.click(box.x + x(2.45), box.y + 0.5 * lanePx);
    await page.waitForFunction(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.some((m) => m.type === 'openTraceCall'));
    // Between spans: nothing is opened or listed.
    await page.mouse.click(box.x + x(2.3), box.y + 0.5 * lanePx);
    const messages = await posted(page);
    assert.deepEqual(messages.filter((m) => m.type === 'openTraceCall'), [{ v: 1, type: 'openTraceCall', traceId: 4, index: 101 }]);
    assert.equal(messages.filter((m) => m.type === 'requestCalls').length, 1, 'only the list of all calls, shown with the trace');
    await page.close();
  });

  it('zoomed in, a call that began before the window (or ends after it) is drawn to the plot’s edge, not over the lane labels; a click there opens it', async () => {
    const { page } = await openView(browser, pagingHost(() => 12));
    // The window 2 s – 3 s: call 100 ran from 1.5 s to 2.2 s, call 101 from 2.6 s to 3.4 s.
    const zoomed: TraceOverviewDto = {
      ...OVERVIEW,
      window: { from: 2, to: 3, bins: 10 },
      cells: [0, 7, 1, 1, 0, 0],
      spans: [...[0, 100, 1.5, 2.2, 0, 0], ...[0, 101, 2.6, 3.4, 1, 0]],
      pins: null,
    };
    await showOverview(page, zoomed);
    const { canvas, box, left, width, lanePx, x, at } = await zoomedTimeline(page);
    assert.equal(await canvas.getAttribute('data-spans'), '2');
    assert.equal(await pixel(page, left + 1, 0.5 * lanePx).then(hue), 'green', 'call 100 from the plot’s left edge');
    assert.equal(await at(2.15, 0), 'green');
    assert.equal(await at(2.4, 0), 'empty', 'between the calls');
    assert.equal(await at(2.7, 0), 'red', 'call 101, a mismatch');
    assert.equal(await pixel(page, left + width - 1, 0.5 * lanePx).then(hue), 'red', 'call 101 to the plot’s right edge');
    assert.equal(await pixel(page, left - 4, 0.5 * lanePx).then(hue), 'empty', 'nothing drawn into the labels’ gutter');
    await page.mouse.click(box.x + x(2.02), box.y + 0.5 * lanePx);
    await page.waitForFunction(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.some((m) => m.type === 'openTraceCall'));
    const messages = await posted(page);
    assert.deepEqual(messages.filter((m) => m.type === 'openTraceCall'), [{ v: 1, type: 'openTraceCall', traceId: 4, index: 100 }]);
    await page.close();
  });

  it('bins that are not numbers (a forged message) are not drawn', async () => {
    const { page } = await openView(browser);
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: 'x', overview: { ...OVERVIEW, cells: ['<b>', 1, 2, 3, 4, 5] } });
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: 'x', overview: { ...OVERVIEW, lanes: [{ pid: 1, label: { toString: 1 } }] } });
    await send(page, { v: WEBVIEW_PROTOCOL_VERSION, type: 'showError', message: 'after' });
    await page.waitForSelector('[data-testid="error"]');
    assert.equal(await page.locator('[data-testid="overview-timeline"]').count(), 0);
    await page.close();
  });
});
