// Recording from Pinscope's test guest (Debian 6.12 under qemu TCG): the round
// trip from "Record" to the first replayed call (and how much of it is the
// guest booting), and the event rate the stream carries before events are
// lost, with 1, 4 and 8 busybox dd readers on the 9p share making 4 KiB reads.
// Needs qemu and the guest (scripts/ensure-guest.sh); about a minute.
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRecording } from '../extension/node/record-session';

const GUEST_TARGET = join(__dirname, '..', '..', 'scripts', 'guest-target.mjs');
const root = mkdtempSync(join(tmpdir(), 'pinscope-record-bench-'));
const share = join(root, 'share');
mkdirSync(share);
const big = openSync(join(share, 'big'), 'w');
const chunk = Buffer.alloc(1 << 20, 0x5a);
for (let i = 0; i < 160; i++) writeSync(big, chunk);
closeSync(big);

/** Seconds of trace time from the first to the last event, and the events in it. */
function traceSpan(path: string): { events: number; seconds: number } {
  let first = NaN;
  let last = NaN;
  let events = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*\S.*?\[\d+\]\s+\S+\s+(\d+\.\d+):/.exec(line);
    if (!m) continue;
    const ts = Number(m[1]);
    if (Number.isNaN(first)) first = ts;
    last = ts;
    events++;
  }
  return { events, seconds: last - first };
}

async function run(readers: number, callsEach: number): Promise<void> {
  const output = join(root, `r${readers}.trace`);
  const loops = Array.from({ length: readers }, (_, i) => `dd if=/mnt/share/big of=/dev/null bs=4k count=${callsEach} skip=${i * callsEach} 2>/dev/null &`).join(' ');
  const t0 = performance.now();
  let facts = NaN;
  let firstCall = NaN;
  const recording = startRecording({
    target: { kind: 'command', command: `${process.execPath} ${GUEST_TARGET} --share ${share}` },
    kind: 'kprobe',
    output,
    workload: ['sh', '-c', `${loops} wait`],
    onFacts: () => (facts = performance.now() - t0),
    onCall: () => {
      if (Number.isNaN(firstCall)) firstCall = performance.now() - t0;
    },
  });
  const result = await recording.done;
  const span = traceSpan(output);
  console.log(
    `${readers} reader(s) × ${callsEach} calls: ${result.outcome}; Record → first replayed call ${(firstCall / 1000).toFixed(2)} s ` +
      `(boot → facts ${(facts / 1000).toFixed(2)} s, facts → first call ${((firstCall - facts) / 1000).toFixed(2)} s); ` +
      `${span.events} events in ${span.seconds.toFixed(2)} s of trace time = ${Math.round(span.events / span.seconds)} events/s, ` +
      `${result.progress.lost} lost, ${result.progress.calls} calls`,
  );
}

void (async () => {
  await run(1, 4000);
  await run(4, 4000);
  await run(8, 4000);
})();
