// The recording script and its plan, without a kernel: the words of a workload
// reach the target's shell as they were (hostile ones too); both parts are
// valid POSIX sh; the probe's facts become plain reasons; the plan takes the
// recipe's probes in a group of the recording's own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { choosePlan, emptyFacts, missingFor, noteMessage, parseMessage, type TargetFacts } from '../../../extension/record/plan';
import { eventNames, probeScript, recordScript, shQuote, type RecordPlan } from '../../../extension/record/script';
import { parseTarget, targetArgv } from '../../../extension/node/record-session';
import { recipe } from '../../../extension/trace';

const HOSTILE = ['$(touch /tmp/pinscope-pwned)', '`id`', "it's", 'a;b && c', 'two\nlines', '', ' spaced ', '"quoted"', '\\', '$HOME', '*'];

function factsFrom(lines: string[]): TargetFacts {
  const facts = emptyFacts();
  for (const line of lines) {
    const m = parseMessage(line);
    if (m) noteMessage(facts, m);
  }
  return facts;
}

const GUEST_FACTS = [
  '# pinscope: kernel_release=6.12.117+deb12-amd64 arch=x86_64',
  ...Object.entries({
    root: 'yes', tracefs: '/sys/kernel/tracing', instances: 'yes', netfs: 'loaded', traceable: 'yes', kprobe_events: 'yes',
    dynamic_events: 'yes', fprobe: 'yes', function_graph: 'yes', btf: 'yes', btf_netfs: 'yes', bpftrace: 'none',
  }).map(([k, v]) => `# pinscope-fact: ${k}=${v}`),
];

describe('recording script', () => {
  it('quotes each workload word so that sh receives it unchanged (and runs none of it)', () => {
    for (const word of HOSTILE) {
      const run = spawnSync('sh', ['-c', `set -- ${shQuote(word)}; printf '%s' "$1"`], { encoding: 'utf8' });
      assert.equal(run.stdout, word);
    }
    const plan: RecordPlan = { id: 'abc123', kind: 'kprobe', definitions: [], filters: {}, workload: ['printf', '%s\\0', ...HOSTILE] };
    // The set line may span lines (a word with a newline): take it up to the call.
    const text = recordScript(plan);
    const start = text.indexOf('set -- ');
    const end = text.indexOf('\npinscope_record');
    assert.ok(start >= 0 && end > start);
    const run = spawnSync('sh', ['-c', `${text.slice(start, end)}\nshift 2; printf '%s\\0' "$@"`], { encoding: 'utf8' });
    assert.deepEqual(run.stdout.split('\0').slice(0, -1), HOSTILE);
    assert.notEqual(spawnSync('test', ['-e', '/tmp/pinscope-pwned']).status, 0, 'nothing in a workload word ran');
  });

  it('both parts are valid POSIX sh (dash -n)', () => {
    const r = recipe('6.12', 'x86_64', { group: 'pinscope_abc123' });
    const plan: RecordPlan = {
      id: 'abc123',
      kind: 'kprobe',
      definitions: r.kprobeEvents.trim().split('\n').map((text) => ({ file: 'kprobe_events' as const, text })),
      filters: r.filters,
      duration: 5,
      workload: ['dd', 'if=/dev/zero', 'of=/mnt/x'],
    };
    for (const part of [probeScript(), recordScript(plan)]) {
      const run = spawnSync('dash', ['-n'], { input: part, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
    }
  });

  it('writes the kernel release line first, as SHARED-DECISIONS asks', () => {
    const first = probeScript().split('\n').find((l) => !l.startsWith('#'));
    assert.equal(first, 'echo "# pinscope: kernel_release=$(uname -r) arch=$(uname -m)"');
  });

  it('rejects an id that would not make a safe group or instance name', () => {
    assert.throws(() => recordScript({ id: 'a/../b', kind: 'kprobe', definitions: [], filters: {} }), /recording id/);
  });
});

describe('recording plan', () => {
  it('reads the facts the probe printed and the kernel release', () => {
    const facts = factsFrom(GUEST_FACTS);
    assert.equal(facts.kernelRelease, '6.12.117+deb12-amd64');
    assert.equal(facts.arch, 'x86_64');
    assert.equal(facts.facts.traceable, 'yes');
    assert.equal(parseMessage('  workload-263 [000] ..... 8.8: xui_entry: (x)'), null);
    assert.deepEqual(parseMessage('# pinscope-workload: exit=3'), { kind: 'workload', text: 'exit=3' });
  });

  it('a target that can record: the recipe for its kernel, in the group pinscope_<id>, every event enabled, the iovec filter', () => {
    const choice = choosePlan(factsFrom(GUEST_FACTS), { id: 'f00d', kind: 'kprobe' });
    assert.ok(choice.ok);
    assert.equal(choice.kernel, '6.12');
    const expected = recipe('6.12', 'x86_64', { group: 'pinscope_f00d' }).kprobeEvents.trim().split('\n');
    assert.deepEqual(choice.plan.definitions.map((d) => d.text), expected);
    assert.ok(choice.plan.definitions.every((d) => d.file === 'kprobe_events' && /^[pr]\d*:pinscope_f00d\//.test(d.text)));
    assert.deepEqual(eventNames(choice.plan), ['xui_entry', 'xui_iov', 'xui_exit', 'pupf_entry', 'pupf_exit', 'unpin_page']);
    assert.deepEqual(choice.plan.filters, { xui_iov: 'type==1' });
    const fprobe = choosePlan(factsFrom(GUEST_FACTS), { id: 'f00d', kind: 'fprobe' });
    assert.ok(fprobe.ok);
    assert.ok(fprobe.plan.definitions.every((d) => d.file === 'dynamic_events' && d.text.startsWith('f:pinscope_f00d/')));
  });

  it('says plainly what is missing', () => {
    const lacking = factsFrom([
      '# pinscope: kernel_release=6.12.117 arch=x86_64',
      '# pinscope-fact: root=no',
      '# pinscope-fact: tracefs=none',
      '# pinscope-fact: netfs=absent',
      '# pinscope-fact: traceable=no',
      '# pinscope-fact: kprobe_events=no',
      '# pinscope-fact: fprobe=no',
      '# pinscope-fact: btf=no',
    ]);
    const kprobe = missingFor(lacking, 'kprobe').join('\n');
    for (const words of [/root/, /tracefs is not mounted/, /netfs module is not loaded/, /not in available_filter_functions/, /kprobe_events is missing/]) assert.match(kprobe, words);
    const fprobe = missingFor(lacking, 'fprobe').join('\n');
    assert.match(fprobe, /fprobe events are not supported/);
    assert.match(fprobe, /BTF is missing/);
    assert.deepEqual(missingFor(factsFrom(GUEST_FACTS), 'function_graph'), []);
    assert.match(missingFor(emptyFacts(), 'kprobe')[0]!, /did not report its kernel release/);
    const old = factsFrom(GUEST_FACTS.map((l) => l.replace('6.12.117', '6.2.0')));
    const choice = choosePlan(old, { id: 'x', kind: 'kprobe' });
    assert.ok(!choice.ok);
    assert.match(choice.missing.join(), /from 6\.3 on/);
  });
});

describe('recording targets', () => {
  it('parses local and ssh:// targets, and runs ssh without a terminal, the user\'s own config, as root or through sudo -n', () => {
    assert.deepEqual(parseTarget('local'), { kind: 'local' });
    assert.deepEqual(parseTarget('ssh://root@dut:2222'), { kind: 'ssh', user: 'root', host: 'dut', port: 2222 });
    assert.deepEqual(parseTarget('ssh://dut'), { kind: 'ssh', user: null, host: 'dut', port: null });
    assert.equal(parseTarget('ssh://-oProxyCommand=x'), null);
    assert.equal(parseTarget('ftp://dut'), null);
    const argv = targetArgv({ kind: 'ssh', user: 'me', host: 'dut', port: 22 });
    assert.deepEqual(argv.slice(0, 5), ['ssh', '-T', '-p', '22', '--']);
    assert.equal(argv[5], 'me@dut');
    assert.match(argv[6]!, /exec sh -s; else exec sudo -n sh -s/);
    assert.deepEqual(targetArgv({ kind: 'command', command: 'vng --exec "sh -s"' }), ['sh', '-c', 'vng --exec "sh -s"']);
  });
});
