// --kind bpftrace without a kernel: the dialect a bpftrace version understands
// (bpftrace's CHANGELOG: args a struct in 0.19, fentry/fexit aliases in 0.20),
// the program in each dialect, the plan from the probe's facts, and the
// program reaching the target's shell byte for byte. On a real kernel:
// test/guest/record.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { choosePlan, emptyFacts, missingFor, noteMessage, parseMessage, type TargetFacts } from '../../../extension/record/plan';
import { probeScript, recordScript, RECORD_KINDS, type RecordPlan } from '../../../extension/record/script';
import { BPFTRACE_DIALECTS, bpftraceScript, chooseBpftraceDialect, parseBpftraceVersion } from '../../../extension/trace/recipe-bpftrace';
import { kernelProfile } from '../../../extension/engine/kernel-profile';
import { recipe } from '../../../extension/trace';

function facts(extra: Record<string, string>, release = '6.12.117+deb12-amd64'): TargetFacts {
  const f = emptyFacts();
  const all = {
    root: 'yes', tracefs: '/sys/kernel/tracing', instances: 'yes', netfs: 'loaded', traceable: 'yes', kprobe_events: 'yes',
    dynamic_events: 'yes', fprobe: 'yes', function_graph: 'yes', btf: 'yes', btf_netfs: 'yes', bpftrace: '/usr/bin/bpftrace',
    bpftrace_version: 'bpftrace v0.17.0', ...extra,
  };
  for (const line of [`# pinscope: kernel_release=${release} arch=x86_64`, ...Object.entries(all).map(([k, v]) => `# pinscope-fact: ${k}=${v}`)]) {
    const m = parseMessage(line);
    if (m) noteMessage(f, m);
  }
  return f;
}

/** The printf formats of a program, in order. */
const formats = (program: string) => [...program.matchAll(/printf\("([^"]+)"/g)].map((m) => m[1]!);
/** The probe lines (an attach point at the start of a line). */
const probes = (program: string) => program.split('\n').filter((l) => /^[a-z]+:[\w:]+$/.test(l));

describe('bpftrace recording', () => {
  it('reads the version bpftrace --version prints', () => {
    assert.deepEqual(parseBpftraceVersion('bpftrace v0.17.0'), [0, 17, 0]);
    assert.deepEqual(parseBpftraceVersion('bpftrace v0.20.0-dirty'), [0, 20, 0]);
    assert.deepEqual(parseBpftraceVersion('bpftrace v0.24'), [0, 24, 0]);
    assert.equal(parseBpftraceVersion('bpftrace (a build without a version)'), null);
    assert.equal(parseBpftraceVersion(undefined), null);
  });

  it('picks the dialect the version understands, and says why', () => {
    const pick = (v: string, moduleBtf = true) => chooseBpftraceDialect(v, moduleBtf).dialect;
    for (const v of ['bpftrace v0.16.0', 'bpftrace v0.17.0', 'bpftrace v0.18.1']) assert.equal(pick(v), 'kfunc-arrow', v);
    assert.equal(pick('bpftrace v0.19.1'), 'kfunc-dot');
    for (const v of ['bpftrace v0.20.0', 'bpftrace v0.21.2', 'bpftrace v0.24.1', 'bpftrace v1.0.0']) assert.equal(pick(v), 'fentry', v);
    assert.equal(pick('bpftrace (custom)'), 'kprobe');
    assert.equal(pick('bpftrace v0.21.2', false), 'kprobe');
    assert.match(chooseBpftraceDialect('bpftrace v0.17.0', true).reason, /^bpftrace 0\.17\.0: kfunc\/kretfunc with args->x/);
    assert.match(chooseBpftraceDialect('bpftrace v0.21.2', false).reason, /no BTF/);
  });

  it('writes each dialect in its own syntax, with the same lines printed', () => {
    const profile = kernelProfile('6.12')!;
    const programs = Object.fromEntries(BPFTRACE_DIALECTS.map((d) => [d, bpftraceScript(profile, { dialect: d })]));
    assert.deepEqual(probes(programs['kfunc-arrow']!).slice(0, 2), ['kfunc:netfs:netfs_extract_user_iter', 'kretfunc:netfs:netfs_extract_user_iter']);
    assert.deepEqual(probes(programs['kfunc-dot']!).slice(0, 2), ['kfunc:netfs:netfs_extract_user_iter', 'kretfunc:netfs:netfs_extract_user_iter']);
    assert.deepEqual(probes(programs.fentry!).slice(0, 2), ['fentry:netfs:netfs_extract_user_iter', 'fexit:netfs:netfs_extract_user_iter']);
    assert.deepEqual(probes(programs.kprobe!).slice(0, 2), ['kprobe:netfs_extract_user_iter', 'kretprobe:netfs_extract_user_iter']);
    for (const d of BPFTRACE_DIALECTS) assert.deepEqual(probes(programs[d]!).slice(2), ['kprobe:pin_user_pages_fast', 'kretprobe:pin_user_pages_fast', 'kprobe:unpin_user_page'], d);
    assert.match(programs['kfunc-arrow']!, /\$o = args->orig;/);
    assert.doesNotMatch(programs['kfunc-arrow']!, /args\./);
    for (const d of ['kfunc-dot', 'fentry'] as const) {
      assert.match(programs[d]!, /\$o = args\.orig;/);
      assert.doesNotMatch(programs[d]!, /args->/);
    }
    // kprobe: arguments by position (0-based), the iterators kept for the return by thread.
    assert.doesNotMatch(programs.kprobe!, /\bargs\b/);
    assert.match(programs.kprobe!, /\$o = \(struct iov_iter \*\)arg0;\n\t@pinscope_orig\[tid\] = arg0;\n\t@pinscope_new\[tid\] = arg2;/);
    assert.match(programs.kprobe!, /\$n = \(struct iov_iter \*\)@pinscope_new\[tid\];\n\tdelete\(@pinscope_orig\[tid\]\);/);
    const printed = formats(programs.fentry!);
    for (const d of BPFTRACE_DIALECTS) assert.deepEqual(formats(programs[d]!), printed, d);
    // The recipe `pinscope recipe --kind bpftrace` prints is the fentry one (bpftrace 0.20 on).
    assert.equal(recipe('6.12', 'x86_64').bpftrace.split('\n').filter((l) => !l.startsWith('//')).join('\n'), programs.fentry!.split('\n').filter((l) => !l.startsWith('//')).join('\n'));
  });

  it('follows the kernel: iter_type numbers and the iovec field by version, vmlinux when netfs is built in', () => {
    const old = bpftraceScript(kernelProfile('6.3')!, { dialect: 'kfunc-arrow' });
    assert.match(old, /\$v = \$o->iov \+ \$i;/);
    assert.match(old, new RegExp(`iter_type == ${kernelProfile('6.3')!.iterTypes.indexOf('ITER_IOVEC')}\\)`));
    assert.match(bpftraceScript(kernelProfile('6.12')!, { dialect: 'fentry' }), /\$v = \$o->__iov \+ \$i;/);
    assert.deepEqual(probes(bpftraceScript(kernelProfile('6.12')!, { dialect: 'fentry', module: 'vmlinux' })).slice(0, 1), ['fentry:vmlinux:netfs_extract_user_iter']);
  });

  it('plans from the probe\'s facts: the dialect for its bpftrace, no probe definitions, no instance', () => {
    const choice = choosePlan(facts({}), { id: 'b0b', kind: 'bpftrace', workload: ['dd'] });
    assert.ok(choice.ok);
    assert.equal(choice.bpftrace?.dialect, 'kfunc-arrow');
    assert.deepEqual(choice.plan.definitions, []);
    assert.deepEqual(choice.plan.filters, {});
    assert.match(choice.plan.bpftrace!, /^\/\/ bpftrace 0\.17\.0: kfunc\/kretfunc with args->x/);
    assert.match(choice.plan.bpftrace!, /^kfunc:netfs:netfs_extract_user_iter$/m);
    const builtIn = choosePlan(facts({ netfs: 'built-in', btf_netfs: 'no', bpftrace_version: 'bpftrace v0.21.0' }), { id: 'b0b', kind: 'bpftrace' });
    assert.ok(builtIn.ok);
    assert.match(builtIn.plan.bpftrace!, /^fentry:vmlinux:netfs_extract_user_iter$/m);
    const noModuleBtf = choosePlan(facts({ btf_netfs: 'no', bpftrace_version: 'bpftrace v0.21.0' }), { id: 'b0b', kind: 'bpftrace' });
    assert.ok(noModuleBtf.ok);
    assert.equal(noModuleBtf.bpftrace?.dialect, 'kprobe');
  });

  it('says plainly when the target cannot record with bpftrace', () => {
    assert.match(missingFor(facts({ bpftrace: 'none' }), 'bpftrace').join('\n'), /^bpftrace is not installed on the target/);
    assert.match(missingFor(facts({ btf: 'no' }), 'bpftrace').join('\n'), /BTF is missing/);
    // No instance is made, so a tracefs without instances/ does not stop it; kprobe_events is not needed either.
    assert.deepEqual(missingFor(facts({ instances: 'no', kprobe_events: 'no' }), 'bpftrace'), []);
    const cannot = choosePlan(facts({ bpftrace: 'none' }), { id: 'b0b', kind: 'bpftrace' });
    assert.ok(!cannot.ok);
    assert.ok(RECORD_KINDS.includes('bpftrace'));
  });

  it('the probe asks bpftrace for its version only when there is one; the program reaches the shell byte for byte, and both parts are POSIX sh', () => {
    assert.match(probeScript(), /command -v bpftrace >\/dev\/null 2>&1 && pinscope_fact bpftrace_version "\$\(bpftrace --version 2>&1 \| head -n 1\)"/);
    const choice = choosePlan(facts({}), { id: 'b0b', kind: 'bpftrace', workload: ['sh', '-c', 'dd if=/dev/zero of=/mnt/x'] });
    assert.ok(choice.ok);
    const plan: RecordPlan = choice.plan;
    const part2 = recordScript(plan);
    for (const part of [probeScript(), part2]) {
      const run = spawnSync('dash', ['-n'], { input: part, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    }
    // From the assignment up to the workload's set line (the program spans lines).
    const text = part2.slice(part2.indexOf('\nPINSCOPE_BT=') + 1, part2.indexOf('\nset -- '));
    const run = spawnSync('sh', ['-c', `${text}\nprintf '%s' "$PINSCOPE_BT"`], { encoding: 'utf8' });
    assert.equal(run.stdout, plan.bpftrace);
  });
});
