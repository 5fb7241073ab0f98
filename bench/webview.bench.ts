// Webview benchmarks in Chromium (the built dist/webview.js inside the editor's
// HTML shell): first paint of big replays, and frame times while the bio_vec
// grid scrolls; first paint and pan/zoom frames of a million-call trace overview. Baseline, same run and page: the first paint of example E1
// (four entries), and the frame time of the same page left idle.
import type { Page } from 'playwright-core';
import { ReplayPager } from '../extension/client/replay-pager';
import { EXAMPLE_E1, normaliseCall, replayCall } from '../extension/engine';
import type { ReplayResultDto } from '../extension/protocol/dto';
import { BVEC_WINDOW, WEBVIEW_PROTOCOL_VERSION, type HostToWebview } from '../extension/protocol/webview';
import { launchChromium, routeWebview } from '../test/support/browser';
import { syntheticOverview } from '../test/support/overview-bins';

const ORIGIN = 'https://pinscope.bench';
const FIRST_PAINT_GOAL_MS = 200;
const FRAME_BUDGET_MS = 1000 / 60;
const RUNS = 5;

async function openView(page: Page): Promise<void> {
  await routeWebview(page, ORIGIN, 'YmVuY2g=');
  // The editor's side, in the page so that the harness (CDP) does not sit between the two: it
  // answers a row request with the rows of the replay it holds, as ReplayPager.rows does, by postMessage.
  await page.addInitScript(`
    window.__rows = [];
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => {
        if (m.type !== 'requestBvecs') return;
        setTimeout(() => window.postMessage({ v: m.v, type: 'bvecRows', id: m.id, start: m.start, bvecs: window.__rows.slice(m.start, m.start + Math.min(m.count, ${BVEC_WINDOW})) }, '*'), 0);
      },
      getState: () => undefined,
      setState: () => {},
    });
  `);
  await page.goto(`${ORIGIN}/`);
}

/** Milliseconds from posting the message to the frame after the view is built (two animation frames). */
function firstPaint(page: Page, message: HostToWebview): Promise<number> {
  return page.evaluate(
    (m) =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        window.postMessage(m, '*');
        // The message is handled in a task; the paint follows the next animation frame.
        setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start))), 0);
      }),
    message as unknown,
  );
}

/** Frame intervals while the grid scrolls `step` px per frame for `frames` frames (or stays put with step 0). */
function scrollFrames(page: Page, step: number, frames: number): Promise<number[]> {
  return page.evaluate(
    ([step, frames]) =>
      new Promise<number[]>((resolve) => {
        const grid = document.querySelector('[data-testid="bvec-grid"]') as HTMLElement;
        const times: number[] = [];
        let last = performance.now();
        const tick = (now: number) => {
          times.push(now - last);
          last = now;
          if (times.length >= frames) return resolve(times.slice(1));
          grid.scrollTop += step;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    [step, frames] as const,
  );
}

/**
 * Frame intervals while the overview's timeline is zoomed (a wheel event every frame) or dragged
 * (a pointer move every frame), or left idle. Given as text: tsx rewrites serialised functions
 * with helpers the page does not have.
 */
const OVERVIEW_FRAMES = `([gesture, frames]) => new Promise((resolve) => {
  const canvas = document.querySelector('[data-testid="overview-timeline"]');
  const box = canvas.getBoundingClientRect();
  const x = box.left + box.width / 2;
  const y = box.top + 20;
  const times = [];
  let last = performance.now();
  if (gesture === 'pan') {
    // Zoomed in first, so that there is room to pan.
    for (let i = 0; i < 10; i++) canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: -300, clientX: x, clientY: y, cancelable: true }));
    canvas.dispatchEvent(new PointerEvent('pointerdown', { clientX: x, clientY: y, pointerId: 1 }));
  }
  const tick = (now) => {
    times.push(now - last);
    last = now;
    if (times.length >= frames) {
      if (gesture === 'pan') canvas.dispatchEvent(new PointerEvent('pointerup', { clientX: x, clientY: y, pointerId: 1 }));
      return resolve(times.slice(1));
    }
    const n = times.length;
    if (gesture === 'zoom') canvas.dispatchEvent(new WheelEvent('wheel', { deltaY: n % 40 < 20 ? -120 : 120, clientX: x, clientY: y, cancelable: true }));
    if (gesture === 'pan') canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: x + ((n % 60) - 30) * 8, clientY: y, pointerId: 1, buttons: 1 }));
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})`;

function overviewFrames(page: Page, gesture: 'zoom' | 'pan' | 'idle', frames: number): Promise<number[]> {
  return page.evaluate(`(${OVERVIEW_FRAMES})(${JSON.stringify([gesture, frames])})`) as Promise<number[]>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function show(title: string, result: ReplayResultDto): HostToWebview {
  return { v: WEBVIEW_PROTOCOL_VERSION, type: 'showReplay', title, result };
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pager = new ReplayPager();
  await openView(page);
  console.log(`Chromium ${browser.version()}, viewport 1280×900, median of ${RUNS} runs`);

  const e1 = show('E1', replayCall(normaliseCall({ ...EXAMPLE_E1 })));
  // 10,000 entries two ways: one UBUF run (one page cell), and 1,000 IOVEC segments of 10 pages (10,000 page cells).
  const ubuf10k = show('10,000-page UBUF', replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000000000', len: 10_000 * 4096 }] })));
  const iovec10k = show(
    '1,000 × 10-page IOVEC',
    replayCall(normaliseCall({ iter: 'iovec', segments: Array.from({ length: 1000 }, (_, i) => ({ addr: '0x' + (0x7f0000000000 + i * 16 * 4096).toString(16), len: 10 * 4096 })) })),
  );
  const huge = replayCall(normaliseCall({ iter: 'ubuf', segments: [{ addr: '0x7f0000000000', len: 524_287 * 4096 }] }));
  // The host holds the 2 GiB replay's rows (paged messages of the other replays never ask).
  await page.evaluate((rows) => ((window as unknown as { __rows: unknown }).__rows = rows), huge.bvecs as unknown);

  const paint = async (message: HostToWebview) => {
    const runs: number[] = [];
    // Replays go through the host's pager, as the panel posts them.
    const posted = message.type === 'showReplay' ? pager.window(message) : message;
    for (let i = 0; i < RUNS; i++) runs.push(await firstPaint(page, posted));
    return median(runs);
  };
  const base = await paint(e1);
  console.log(`first paint, baseline E1 (4 entries): ${base.toFixed(1)} ms`);
  for (const [name, message] of [['10,000 entries, UBUF', ubuf10k], ['10,000 entries, 1,000 IOVEC segments (10,000 page cells)', iovec10k], ['524,287 entries (2 GiB), paged by the host', show('2 GiB', huge)]] as const) {
    const ms = await paint(message);
    const goal = name.startsWith('10,000') ? ` — goal ≤ ${FIRST_PAINT_GOAL_MS} ms: ${ms <= FIRST_PAINT_GOAL_MS ? 'met' : 'MISSED'}` : '';
    console.log(`first paint, ${name}: ${ms.toFixed(1)} ms (${(ms / base).toFixed(1)}× baseline)${goal}`);
  }

  // The trace editor's overview of a million calls from 66,667 tasks (three calls each, the shape a
  // test suite makes), as the server bins it: 256 lanes of consecutive tasks, one bin per 2 px.
  const million = syntheticOverview({
    calls: 1_000_000,
    tasks: 66_667,
    lanes: 256,
    bins: 560,
    call: (i) => {
      const task = Math.floor(i / 15);
      const kind = i % 997 === 0 ? 1 : i % 331 === 0 ? 3 : i % 89 === 0 ? 2 : 0;
      return { task, time: 100 + i * 1e-4 + (task % 7) * 1e-3, kind, bytes: 4096 << (i % 9), pages: 1 << (i % 9), pinDelta: i % 1000 === 0 ? 1 : 0 };
    },
  });
  const overviewMessage: HostToWebview = { v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: '1,000,000 calls', overview: million };
  const overviewMs = await paint(overviewMessage);
  console.log(
    `first paint, the overview of 1,000,000 calls in 66,667 tasks (${million.cells.length / 6} cells, ${JSON.stringify(million).length.toLocaleString('en')} bytes of bins): ${overviewMs.toFixed(1)} ms (${(overviewMs / base).toFixed(1)}× baseline) — goal ≤ ${FIRST_PAINT_GOAL_MS} ms: ${overviewMs <= FIRST_PAINT_GOAL_MS ? 'met' : 'MISSED'}`,
  );
  // The most the timeline can hold: 100 busy tasks, a call of each in every bin (56,000 cells).
  const busy = syntheticOverview({
    calls: 1_000_000,
    tasks: 100,
    lanes: 100,
    bins: 560,
    call: (i) => ({ task: i % 100, time: i * 1e-5, kind: i % 997 === 0 ? 1 : i % 331 === 0 ? 3 : 0, bytes: 4096 << (i % 9), pages: 1 << (i % 9), pinDelta: i % 2 ? 4 : -4 }),
  });
  const busyMs = await paint({ v: WEBVIEW_PROTOCOL_VERSION, type: 'showTrace', title: '1,000,000 calls, 100 tasks', overview: busy });
  console.log(
    `first paint, the overview of 1,000,000 calls in 100 tasks (every cell filled: ${busy.cells.length / 6} cells, ${JSON.stringify(busy).length.toLocaleString('en')} bytes of bins): ${busyMs.toFixed(1)} ms (${(busyMs / base).toFixed(1)}× baseline) — goal ≤ ${FIRST_PAINT_GOAL_MS} ms: ${busyMs <= FIRST_PAINT_GOAL_MS ? 'met' : 'MISSED'}`,
  );
  const overviewIdle = await overviewFrames(page, 'idle', 61);
  for (const gesture of ['zoom', 'pan'] as const) {
    const frames = await overviewFrames(page, gesture, 121);
    const over = frames.filter((f) => f > FRAME_BUDGET_MS * 1.5).length;
    console.log(
      `overview ${gesture} (a wheel or drag event every frame): frame p50 ${median(frames).toFixed(1)} ms, p95 ${percentile(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; ${over} of ${frames.length} frames over 1.5× the ${FRAME_BUDGET_MS.toFixed(1)} ms budget — goal p95 ≤ ${(FRAME_BUDGET_MS * 1.5).toFixed(1)} ms: ${percentile(frames, 0.95) <= FRAME_BUDGET_MS * 1.5 ? 'met' : 'MISSED'} (idle baseline p50 ${median(overviewIdle).toFixed(1)} ms, p95 ${percentile(overviewIdle, 0.95).toFixed(1)} ms)`,
    );
  }

  // Scrolling the 2 GiB replay: rows from the host as they are reached, or all held here (a what-if result).
  const scrolls = [
    ['host rows, steady scroll, 40 px/frame', 40, true],
    ['host rows, fast scroll, 20,000 px/frame (a new window of rows every frame)', 20_000, true],
    ['rows held in the webview, fast scroll, 20,000 px/frame', 20_000, false],
  ] as const;
  await firstPaint(page, show('2 GiB', huge));
  const idle = await scrollFrames(page, 0, 61);
  for (const [name, step, paged] of scrolls) {
    const message = show('2 GiB', huge);
    await firstPaint(page, paged && message.type === 'showReplay' ? pager.window(message) : message);
    const frames = await scrollFrames(page, step, 121);
    const over = frames.filter((f) => f > FRAME_BUDGET_MS * 1.5).length;
    console.log(
      `scroll, ${name}: frame p50 ${median(frames).toFixed(1)} ms, p95 ${percentile(frames, 0.95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; ${over} of ${frames.length} frames over 1.5× the ${FRAME_BUDGET_MS.toFixed(1)} ms budget (idle baseline p50 ${median(idle).toFixed(1)} ms, p95 ${percentile(idle, 0.95).toFixed(1)} ms; p95 ratio ${(percentile(frames, 0.95) / percentile(idle, 0.95)).toFixed(2)}×)`,
    );
  }
  const rows = await page.locator('[data-testid="bvec"], [data-testid="bvec-loading"]').count();
  console.log(`rows in the DOM after scrolling: ${rows}`);
  await browser.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
