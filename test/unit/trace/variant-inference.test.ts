// variant: auto decides per trace: the kernel release the trace records, else
// what its calls did that only some variants can do, else the newest; a
// forced variant wins but calls that disagree are still named (issue 14, item 2).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRelease, releaseFromUname, variantOfRelease } from '../../../extension/engine/kernel-releases';
import { readTraceFile } from '../../../extension/node/trace-file';
import { callEvidence, decideVariant, decodingKernel, recipe, replayTrace, replayTraceCall, VariantInference, type RawCall, type TraceCallResult } from '../../../extension/trace';
import { pinscope } from '../../support/cli';
import { KERNEL_TRACES } from '../../support/kernel-traces';

const scratch = mkdtempSync(join(tmpdir(), 'pinscope-variant-'));
function file(name: string, lines: readonly string[]): string {
  const path = join(scratch, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const HEADER = ['# tracer: nop', '#'];
/** A pread of two pages whose first page faults (from the real kprobe/efault.trace.txt), as a kernel of `variant` ends it. */
const FIRST_PAGE_FAULTS = (variant: 'v0' | 'v3', ts = 14) => [
  `        workload-434     [000] ...1.    ${ts}.146100: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc9000057bb68 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f52c432a000 count=8192 nr_segs=1 orig_len=8192 new=0xffff888100b03ce8 flags=0x0`,
  `        workload-434     [000] ...1.    ${ts}.146136: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f52c432a000 nr_pages=2 gup_flags=0x1 pages=0xffff888100c87fd0`,
  `        workload-434     [000] .....    ${ts}.146389: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=-14`,
  variant === 'v0'
    ? `        workload-434     [000] .....    ${ts}.146426: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=0 orig_iov_offset=0 orig_count=8192 orig_nr_segs=1 new_type=2 new_count=0 new_nr_segs=0`
    : `        workload-434     [000] .....    ${ts}.146426: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=-14 orig_iov_offset=0 orig_count=8192 orig_nr_segs=1 new_type=0 new_count=0 new_nr_segs=0`,
];
/** A call every variant ends the same way (all pages pinned). */
const ALL_PINNED = (ts: number) => [
  `        workload-434     [000] ...1.    ${ts}.429533: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001100 count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0`,
  `        workload-434     [000] ...1.    ${ts}.429641: pupf_entry: (pin_user_pages_fast+0x4/0x60) start=0x7f0000001000 nr_pages=4 gup_flags=0x1 pages=0xffff888101f1ce38`,
  `        workload-434     [000] .....    ${ts}.429680: pupf_exit: (iov_iter_extract_pages+0xe9/0x750 <- pin_user_pages_fast) ret=4`,
  `        workload-434     [000] .....    ${ts}.429734: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=4 orig_iov_offset=12288 orig_count=0 orig_nr_segs=1 new_count=12288 new_nr_segs=4`,
];
const release = (r: string) => `# pinscope: kernel_release=${r} arch=x86_64`;

async function replay(path: string, variant: 'auto' | 'v0' | 'v3' = 'auto') {
  const results: TraceCallResult[] = [];
  const outcome = await replayTrace({ variant, kernel: null }, (one) => {
    results.length = 0;
    return readTraceFile(path, { onCall: (call, trace) => results.push(one(call, trace)) });
  });
  return { ...outcome, results };
}

describe('variant: the release -> variant table (kernel-semantics §1.1)', () => {
  const cases: Array<[string, 'v0' | 'v3' | null]> = [
    ['6.1.192', null],
    ['6.2.16', null],
    ['6.1.0-28-amd64', null],
    ['6.3', 'v0'],
    ['6.3.13', 'v0'],
    ['6.5.0-44-generic', 'v0'],
    ['6.6.141', 'v0'],
    ['6.6.142', 'v3'],
    // Stable review candidates carry the sublevel they will release as.
    ['6.6.141-rc1', 'v0'],
    ['6.6.150-rc1', 'v3'],
    ['6.12.92-rc2', 'v3'],
    ['6.12-rc3', 'v0'],
    ['6.6.150-android15-8-g1234abcd', 'v3'],
    ['6.8.0-45-generic', 'v0'],
    ['6.11.11-300.fc41.x86_64', 'v0'],
    ['6.12.50', 'v0'],
    ['6.12.91', 'v0'],
    ['6.12.92', 'v3'],
    ['6.12.117+deb12-amd64', 'v3'],
    ['6.12.0-55.el10.x86_64', 'v0'],
    ['6.18.33', 'v0'],
    ['6.18.34', 'v3'],
    ['6.19.5', 'v0'],
    ['7.0', 'v0'],
    ['7.0.10', 'v0'],
    ['7.0.11', 'v3'],
    ['7.0.0-15-generic', 'v0'],
    ['7.1.0-rc1', 'v0'],
    ['7.1-rc4', 'v0'],
    ['7.1.0-rc5', 'v3'],
    ['7.1.0', 'v3'],
    ['7.1.3+', 'v3'],
    ['7.4.2', 'v3'],
    ['linux', null],
  ];
  for (const [text, variant] of cases) {
    it(`${text} -> ${variant ?? 'no function'}`, () => {
      const got = variantOfRelease(text);
      assert.equal(got.variant, variant, got.reason);
      assert.ok(got.reason.length > 10);
    });
  }

  it('reads the parts of uname -r', () => {
    assert.deepEqual(parseRelease('6.12.117+deb12-amd64'), { major: 6, minor: 12, sublevel: 117, rc: null, suffix: '+deb12-amd64' });
    assert.deepEqual(parseRelease('7.1.0-rc4'), { major: 7, minor: 1, sublevel: 0, rc: 4, suffix: '' });
    assert.equal(parseRelease('6.8x'), null);
    assert.match(variantOfRelease('6.12.0-55.el10.x86_64').reason, /ABI number/);
  });

  it('reads the release out of a full uname line (a trace.dat keeps one)', () => {
    const manifest = JSON.parse(readFileSync(join(KERNEL_TRACES, 'manifest.json'), 'utf8')) as { files: Array<{ kernel?: string }> };
    const uname = manifest.files.find((f) => f.kernel)?.kernel;
    assert.ok(uname, 'the fixtures record the guest kernel');
    assert.deepEqual(releaseFromUname(uname), { release: '6.12.117+deb12-amd64', arch: 'x86_64' });
    assert.deepEqual(releaseFromUname('Linux box 6.8.0-45-generic'), { release: '6.8.0-45-generic', arch: null });
    assert.equal(releaseFromUname('cpus=2'), null);
  });

  it('decodes with the recorded release unless a kernel is asked for', () => {
    assert.equal(decodingKernel(null, '6.6.30-android15'), '6.6');
    assert.equal(decodingKernel(null, '6.1.192'), '6.12', 'no function there: the default');
    assert.equal(decodingKernel(null, null), '6.12');
    assert.equal(decodingKernel('6.8', '6.6.30'), '6.8');
  });
});

describe('variant: evidence from a call (spec §1.5)', () => {
  const call = { iter: 'ubuf' as const, origLen: 8192, count: 8192, bytes: null, bvecs: [], pinRounds: [{ start: '0x7f52c432a000', nrPages: 2, gupFlags: 1, ret: -14 }] };
  it('an empty success after a failed first extraction: only v0', () => {
    assert.deepEqual(callEvidence({ ...call, ret: 0 })?.variants, ['v0']);
    assert.deepEqual(callEvidence({ ...call, ret: 0, pinRounds: [] })?.variants, ['v0'], 'without pin probes: 0 for a non-empty request');
  });
  it('an error return there: v1 and later', () => {
    assert.deepEqual(callEvidence({ ...call, ret: -14 })?.variants, ['v1', 'v2', 'v3']);
    assert.deepEqual(callEvidence({ ...call, ret: -5, pinRounds: [] })?.variants, ['v1', 'v2', 'v3']);
  });
  it('-ENOMEM: from GUP only v1+ return it, v0 returns the short success; from kvmalloc (no pin round) any variant', () => {
    const enomem = [{ start: '0x7f52c432a000', nrPages: 2, gupFlags: 1, ret: 1 }, { start: '0x7f52c432b000', nrPages: 1, gupFlags: 1, ret: -12 }];
    assert.deepEqual(callEvidence({ ...call, pinRounds: enomem, ret: -12 })?.variants, ['v1', 'v2', 'v3']);
    assert.deepEqual(callEvidence({ ...call, pinRounds: enomem, ret: 1 })?.variants, ['v0']);
    assert.equal(callEvidence({ ...call, pinRounds: [], ret: -12 }), null);
  });
  it('an error for an empty request: only v1/v2 (uninitialised ret); a page-capacity overrun counted: v0/v1', () => {
    assert.deepEqual(callEvidence({ ...call, origLen: 0, pinRounds: [], ret: -22 })?.variants, ['v1', 'v2']);
    assert.equal(callEvidence({ ...call, origLen: 0, pinRounds: [], ret: 0 }), null);
    const slots = [{ idx: 0, len: 4096 }, { idx: 1, len: 4096 }];
    assert.deepEqual(callEvidence({ ...call, pinRounds: [], ret: 2, bytes: 12288, bvecs: slots })?.variants, ['v0', 'v1']);
    assert.equal(callEvidence({ ...call, pinRounds: [], ret: 2, bytes: 8192, bvecs: slots }), null);
  });
  it('calls every variant ends alike, and kernel-backed iterators, say nothing', () => {
    assert.equal(callEvidence({ ...call, ret: 2, pinRounds: [] }), null);
    assert.equal(callEvidence({ ...call, iter: 'kvec', ret: -5 }), null);
  });
});

describe('variant: the evidence rules agree with the engine', () => {
  /** Variants whose model replay of the call matches what the kernel did. */
  const matching = (call: RawCall) => (['v0', 'v1', 'v2', 'v3'] as const).filter((v) => replayTraceCall(call, '6.12', v).verdict === 'match');

  it('on every call of the real traces, and of the same traces as a v0 kernel ends them: evidence names exactly the variants the model matches', async () => {
    let decisive = 0;
    for (const name of ['kprobe/efault.trace.txt', 'kprobe/iovec.trace.txt', 'kprobe/unaligned.trace.txt', 'bpftrace/efault.bt.txt', 'tracecmd/efault.report.txt']) {
      const text = readFileSync(join(KERNEL_TRACES, name), 'utf8');
      // As a pre-fix kernel ends them: a failed first extraction returns 0 with an empty iterator.
      const v0 = text.replace(/(xui_exit\b.*?) ret=-14 /g, '$1 ret=0 ');
      for (const [label, content] of [[name, text], [`${name} (v0)`, v0]] as const) {
        const calls: RawCall[] = [];
        await readTraceFile(file(label.replace(/[/ ()]/g, '_'), [content]), { onCall: (c) => calls.push(c) });
        for (const call of calls) {
          const result = replayTraceCall(call, '6.12', 'v3');
          if (result.verdict === 'incomplete') continue;
          const models = matching(call);
          if (result.evidence) {
            decisive++;
            assert.deepEqual(result.evidence.variants, models, `${label} line ${call.line}: ${result.evidence.rule}`);
          } else {
            assert.deepEqual(models, ['v0', 'v1', 'v2', 'v3'], `${label} line ${call.line}: no evidence, so every variant must match`);
          }
        }
      }
    }
    assert.ok(decisive >= 12, `calls that told the variants apart: ${decisive}`);
  });
});

describe('variant: decided per trace', () => {
  it('a release recorded at the top decides, and the calls replay with it from the first', async () => {
    const { decision, results, passes } = await replay(file('ubuntu.trace', [release('6.8.0-45-generic'), ...HEADER, ...FIRST_PAGE_FAULTS('v0')]));
    assert.equal(decision.variant, 'v0');
    assert.equal(decision.by, 'release');
    assert.equal(decision.release, '6.8.0-45-generic');
    assert.match(decision.reason, /6\.8\.0-45-generic: the 6\.8 line ships V0b/);
    assert.equal(passes, 1);
    assert.equal(results[0]!.verdict, 'match', 'the empty success is what v0 does, not the kernel misbehaving');
    assert.equal(decision.conflict, null);
  });

  it('without a release, a v0 result decides v0 even on the last call; replayed again with it', async () => {
    const path = file('v0-late.trace', [...HEADER, ...ALL_PINNED(13), ...FIRST_PAGE_FAULTS('v0')]);
    const { decision, results, passes } = await replay(path);
    assert.equal(decision.variant, 'v0');
    assert.equal(decision.by, 'behaviour');
    assert.deepEqual(decision.lines, [7]);
    assert.match(decision.reason, /line 7: its first pin_user_pages_fast failed \(-EFAULT\) and it returned 0/);
    assert.equal(passes, 2);
    assert.deepEqual(results.map((r) => r.verdict), ['match', 'match']);
    assert.equal(results[1]!.input?.variant, 'v0');
  });

  it('an error return decides v1 or later: the newest of them, v3; a trace that tells nothing: v3, saying so', async () => {
    const fixed = await replay(file('v3.trace', [...HEADER, ...FIRST_PAGE_FAULTS('v3')]));
    assert.equal(fixed.decision.variant, 'v3');
    assert.equal(fixed.decision.by, 'behaviour');
    assert.match(fixed.decision.reason, /v1\/v2\/v3 \(the newest of them\)/);
    const plain = await replay(file('plain.trace', [...HEADER, ...ALL_PINNED(13)]));
    assert.equal(plain.decision.by, 'newest');
    assert.equal(plain.decision.variant, 'v3');
    assert.match(plain.decision.reason, /no kernel release recorded; no call's result tells the variants apart/);
  });

  it('calls that no single variant explains are said to contradict each other, with their lines', async () => {
    const { decision } = await replay(file('mixed.trace', [...HEADER, ...FIRST_PAGE_FAULTS('v0', 13), ...FIRST_PAGE_FAULTS('v3', 14)]));
    assert.ok(decision.contradiction, 'a contradiction is reported');
    assert.match(decision.contradiction!, /line 3: .*⇒ v0; line 7: .*⇒ v1\/v2\/v3/);
  });

  it('a release the calls disagree with (a distribution backport?) is kept, and the disagreement named', async () => {
    const { decision } = await replay(file('backport.trace', [release('6.12.0-55.el10.x86_64'), ...HEADER, ...FIRST_PAGE_FAULTS('v3')]));
    assert.equal(decision.variant, 'v0');
    assert.match(decision.conflict ?? '', /the calls disagree with v0: line 4: an error return \(-EFAULT\)/);
  });

  it('a forced variant wins, and calls that disagree with it are named', async () => {
    const { decision, results } = await replay(file('forced.trace', [release('6.12.117+deb12-amd64'), ...HEADER, ...FIRST_PAGE_FAULTS('v3')]), 'v0');
    assert.equal(decision.by, 'forced');
    assert.equal(decision.variant, 'v0');
    assert.equal(results[0]!.verdict, 'mismatch');
    assert.match(decision.conflict ?? '', /disagree with v0/);
  });

  it('the release line counts only before the first event, and is found with a forced format too', async () => {
    const lines = [...HEADER, ...ALL_PINNED(13), release('6.8.0-45-generic')];
    const summary = await readTraceFile(file('late-release.trace', lines), { onCall: () => undefined });
    assert.equal(summary.kernelRelease, null);
    const forced = await readTraceFile(file('early-release.trace', [release('6.8.0-45-generic'), ...HEADER, ...ALL_PINNED(13)]), { format: 'kprobe', onCall: (_c, t) => assert.equal(t.kernelRelease, '6.8.0-45-generic') });
    assert.equal(forced.kernelRelease, '6.8.0-45-generic');
    assert.equal(forced.arch, 'x86_64');
  });

  it('real traces of the Debian 6.12.117 guest, the release line put on top as the recipes do: v3 by release, every format, calls as before', async () => {
    for (const name of ['fgraph_kprobe/efault.trace.txt', 'bpftrace_json/efault.bt.txt', 'tracecmd/efault.report.txt', 'kprobe/efault.trace.txt']) {
      const text = readFileSync(join(KERNEL_TRACES, name), 'utf8');
      const plain = await replay(file(`plain-${name.replace('/', '-')}`, [text]));
      const tagged = await replay(file(`tagged-${name.replace('/', '-')}`, [release('6.12.117+deb12-amd64'), text]));
      assert.deepEqual([tagged.decision.variant, tagged.decision.by, tagged.decision.conflict], ['v3', 'release', null], name);
      assert.equal(plain.decision.by, 'behaviour', `${name}: without the line, the -EFAULT returns decide`);
      assert.deepEqual(tagged.results.map((r) => [r.verdict, r.line - 1]), plain.results.map((r) => [r.verdict, r.line]), name);
      assert.ok(tagged.results.every((r) => r.verdict !== 'mismatch'), name);
    }
  });

  it('decideVariant (decode only, for a streaming table) decides as the replaying reading does', async () => {
    const traces = [
      [release('6.8.0-45-generic'), ...HEADER, ...FIRST_PAGE_FAULTS('v0')],
      [...HEADER, ...ALL_PINNED(13), ...FIRST_PAGE_FAULTS('v0')],
      [...HEADER, ...FIRST_PAGE_FAULTS('v0', 13), ...FIRST_PAGE_FAULTS('v3', 14)],
      [...HEADER, ...ALL_PINNED(13)],
    ];
    for (const [i, lines] of traces.entries()) {
      const path = file(`decide-${i}.trace`, lines);
      const replayed = await replay(path);
      const decided = await decideVariant({ variant: 'auto', kernel: null }, (observe) => readTraceFile(path, { onCall: observe }));
      assert.deepEqual(decided.decision, replayed.decision, `trace ${i}`);
      assert.equal(decided.kernel, replayed.kernel);
    }
  });

  it('keeps a few lines per rule, not one per call', () => {
    const inference = new VariantInference(null, null);
    for (let line = 1; line <= 10_000; line++) inference.observe({ variants: ['v0'], rule: 'r' }, line);
    const d = inference.decision();
    assert.deepEqual(d.lines, [1, 2, 3]);
    assert.match(d.reason, /lines 1, 2, 3 \(and 9997 more\)/);
  });
});

describe('variant: pinscope replay and recipes', () => {
  it('the table and the JSON say which variant and why; --variant forces one', () => {
    const path = file('cli.trace', [release('6.8.0-45-generic'), ...HEADER, ...FIRST_PAGE_FAULTS('v0')]);
    const table = pinscope('replay', path);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^variant v0 \(release\): kernel 6\.8\.0-45-generic: the 6\.8 line ships V0b/m);
    assert.match(table.stdout, /1 match, 0 mismatch/);
    const json = JSON.parse(pinscope('replay', path, '--json').stdout);
    assert.equal(json.kernelRelease, '6.8.0-45-generic');
    assert.equal(json.kernel, '6.8');
    assert.deepEqual([json.variant.variant, json.variant.by], ['v0', 'release']);
    const forced = pinscope('replay', path, '--variant', 'v3');
    assert.match(forced.stdout, /^variant v3 \(forced\)/m);
    assert.match(forced.stdout, /^warning: the calls disagree with v3: line 4/m);
    assert.match(forced.stdout, /0 match, 1 mismatch/);
  });

  it('the shell recipe writes the kernel release line at the top of the trace; the bpftrace one says how', () => {
    const r = recipe('6.12', 'x86_64');
    assert.match(r.shell, /\{ echo "# pinscope: kernel_release=\$\(uname -r\) arch=\$\(uname -m\)"; cat trace; \} > "\$OLDPWD\/pinscope.trace"/);
    assert.match(r.bpftrace, /echo "# pinscope: kernel_release=\$\(uname -r\) arch=\$\(uname -m\)"; bpftrace pinscope.bt; \}/);
  });
});
