// Engine benchmarks: typical calls per second, and a 2 GiB-class call (a
// 3 GiB read clamped to MAX_RW_COUNT: 524,287 pages) in ms and memory. Each
// figure comes with a ratio against a baseline measured in the same run: the
// bare bvec arithmetic of the spec's pseudo-code, with no address space, pin
// accounting, block model or steps.
import { normaliseCall, replayCall } from '../extension/engine';
import { AddressSpace } from '../extension/engine/address-space';
import { userIter } from '../extension/engine/iov-iter';
import { netfsExtractUserIter } from '../extension/engine/netfs-extract-user-iter';
import { PinLedger } from '../extension/engine/pin-ledger';
import type { PinRoundDto } from '../extension/protocol/dto';

const PAGE = 4096;
const BASE = 0x7f0000000000;

/** The baseline: the spec's V3 loop over a fully mapped UBUF, bvecs as plain objects. */
function bareArithmetic(addr: number, len: number): Array<{ page: number; offset: number; len: number }> {
  const bvecs: Array<{ page: number; offset: number; len: number }> = [];
  let offset = addr % PAGE;
  let left = len + offset;
  let page = addr - offset;
  while (left > 0) {
    const chunk = Math.min(left, PAGE);
    bvecs.push({ page, offset, len: chunk - offset });
    left -= chunk;
    offset = 0;
    page += PAGE;
  }
  return bvecs;
}

function time<T>(fn: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function typicalCalls(count: number): Array<{ addr: number; len: number; pages: number }> {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return Array.from({ length: count }, () => {
    const pages = 1 + Math.floor(random() * 16);
    const offset = Math.floor(random() * PAGE);
    const len = Math.max(1, pages * PAGE - offset - Math.floor(random() * PAGE));
    return { addr: BASE + Math.floor(random() * 1000) * PAGE + offset, len, pages };
  });
}

function benchTypical(): void {
  const calls = typicalCalls(20_000);
  const descriptions = calls.map((c) => normaliseCall({ iter: 'ubuf', segments: [{ addr: c.addr, len: c.len }] }));
  // Warm up both paths.
  for (const d of descriptions.slice(0, 2000)) replayCall(d);
  for (const c of calls.slice(0, 2000)) bareArithmetic(c.addr, c.len);
  const model = time(() => {
    let bvecs = 0;
    for (const d of descriptions) bvecs += replayCall(d).bvecs.length;
    return bvecs;
  });
  const bare = time(() => {
    let bvecs = 0;
    for (const c of calls) bvecs += bareArithmetic(c.addr, c.len).length;
    return bvecs;
  });
  const core = time(() => {
    let bvecs = 0;
    for (const d of descriptions) {
      const space = new AddressSpace(PAGE, d.vmas);
      const out = netfsExtractUserIter(userIter('ubuf', 'read', d.segments, 0), d.len, 'v3', { space, ledger: new PinLedger(), rounds: [], events: [] });
      bvecs += out.nrBvecs;
    }
    return bvecs;
  });
  const callsPerSecond = (calls.length / model.ms) * 1000;
  console.log(`typical calls (1–16 pages, UBUF, full replay with DTOs): ${calls.length} calls in ${model.ms.toFixed(1)} ms`);
  console.log(`  ${Math.round(callsPerSecond).toLocaleString('en')} calls/s, ${Math.round((model.result / model.ms) * 1000).toLocaleString('en')} bvec entries/s`);
  console.log(`  engine core only (no result DTO): ${Math.round((calls.length / core.ms) * 1000).toLocaleString('en')} calls/s, ${Math.round((core.result / core.ms) * 1000).toLocaleString('en')} bvec entries/s`);
  console.log(`  baseline (bare arithmetic): ${Math.round((calls.length / bare.ms) * 1000).toLocaleString('en')} calls/s; full/baseline time ratio ${(model.ms / bare.ms).toFixed(1)}×, core/baseline ${(core.ms / bare.ms).toFixed(1)}×`);
}

function benchHuge(): void {
  const len = 0x7ffff000; // a 3 GiB read as the kernel clamps it (MAX_RW_COUNT)
  const addr = BASE;
  const call = normaliseCall({ iter: 'ubuf', segments: [{ addr, len }] });
  global.gc?.();
  const before = process.memoryUsage();
  const core = time(() => {
    const space = new AddressSpace(PAGE, call.vmas);
    const rounds: PinRoundDto[] = [];
    return netfsExtractUserIter(userIter('ubuf', 'read', call.segments, 0), len, 'v3', { space, ledger: new PinLedger(), rounds, events: [] });
  });
  const afterCore = process.memoryUsage();
  const full = time(() => replayCall(call));
  const afterFull = process.memoryUsage();
  const bare = time(() => bareArithmetic(addr, len));
  const pages = core.result.nrBvecs;
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`\n2 GiB-class call: ${pages.toLocaleString('en')} pages (ret ${core.result.ret}, ${full.result.bytes} bytes)`);
  console.log(`  engine core (typed arrays): ${core.ms.toFixed(1)} ms, ${Math.round((pages / core.ms) * 1000).toLocaleString('en')} bvec entries/s, heap +${mib(afterCore.heapUsed - before.heapUsed)} MiB, array buffers +${mib(afterCore.arrayBuffers - before.arrayBuffers)} MiB`);
  console.log(`  full replay with JSON-ready result: ${full.ms.toFixed(1)} ms, heap +${mib(afterFull.heapUsed - afterCore.heapUsed)} MiB, rss ${mib(afterFull.rss)} MiB`);
  console.log(`  baseline (bare arithmetic, objects): ${bare.ms.toFixed(1)} ms; core/baseline ratio ${(core.ms / bare.ms).toFixed(2)}×`);
  console.log(`  goals: ≥ 1M bvec entries/s — ${pages / core.ms * 1000 >= 1e6 ? 'met' : 'MISSED'}; 524,287 pages under 1 s — ${full.ms < 1000 ? 'met' : 'MISSED'} (full replay)`);
}

benchTypical();
benchHuge();
