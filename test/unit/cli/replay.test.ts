// `pinscope replay` as a user runs it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinscope } from '../../support/cli';
import { REPO_ROOT } from '../../support/fixtures';
import { KERNEL_TRACES } from '../../support/kernel-traces';

describe('cli: pinscope replay', () => {
  it('prints every call of a real trace as JSON, in start order, with verdicts', function () {
    const run = pinscope('replay', join(KERNEL_TRACES, 'kprobe/efault.trace.txt'), '--json');
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.calls.length, 12);
    const first = out.calls[0];
    assert.deepEqual(Object.keys(first).filter((k) => ['pid', 'comm', 'line', 'input', 'observed', 'predicted', 'verdict', 'missing'].includes(k)).length, 8);
    assert.equal(first.verdict, 'match');
    assert.equal(first.observed.ret, -14);
    assert.equal(first.predicted.ret, -14);
    assert.equal(first.input.iter, 'ubuf');
    const lines = out.calls.map((c: { line: number }) => c.line);
    assert.deepEqual(lines, [...lines].sort((a: number, b: number) => a - b));
    assert.deepEqual(out.skipped, { lines: 0, examples: [] });
    assert.deepEqual(out.lost, []);
  });

  it('prints a readable table without --json', function () {
    const run = pinscope('replay', join(KERNEL_TRACES, 'bpftrace_json/iovec.bt.txt'), '--variant', 'v0');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /bpftrace-json, \d+ lines, 8 call\(s\)/);
    assert.match(run.stdout, /8 match, 0 mismatch, 0 incomplete/);
  });

  it("reads trace-cmd's binary trace.dat itself", function () {
    const run = pinscope('replay', join(KERNEL_TRACES, 'tracecmd/iovec.trace.dat'), '--kernel', '6.12');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /tracecmd, 4532 events \(trace\.dat v7, zstd\), 8 call\(s\)/);
    // The file names its kernel (UNAME option): the variant follows from the release.
    assert.match(run.stdout, /variant v3 \(release\): kernel 6\.12\.117\+deb12-amd64/);
    assert.match(run.stdout, /7 match, 0 mismatch, 1 incomplete/);
  });

  it('--strict exits 1 on a mismatch; 2 when the file cannot be read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-replay-'));
    const trace = join(dir, 'mismatch.trace');
    // The kernel said 3 bvecs where the model (all pages mapped) says 4.
    writeFileSync(
      trace,
      [
        '        dd-7     [001] ...1.    1.000001: xui_entry: (netfs_extract_user_iter+0x4/0x2e0 [netfs]) orig=0xffffc900004e3b18 type=0 nofault=0 source=0 iov_offset=0 ptr=0x7f0000001100 count=12288 nr_segs=1 orig_len=12288 new=0xffff888100b02de8 flags=0x0',
        '        dd-7     [001] .....    1.000002: xui_exit: (netfs_unbuffered_read_iter_locked+0xc6/0x6e0 [netfs] <- netfs_extract_user_iter) ret=3 new_count=12288 new_nr_segs=3',
      ].join('\n'),
    );
    assert.equal(pinscope('replay', trace).status, 0);
    const strict = pinscope('replay', trace, '--strict', '--json');
    assert.equal(strict.status, 1);
    assert.equal(JSON.parse(strict.stdout).calls[0].verdict, 'mismatch');
    const missing = pinscope('replay', join(dir, 'absent.trace'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*absent\.trace/);
    assert.equal(pinscope('replay', trace, '--format', 'csv').status, 2);
  });

  it('--jsonl writes one call per line (the same calls as --json) and a summary line last; --help says --json holds every call', () => {
    const sample = join(REPO_ROOT, 'samples/traces/direct-io.trace');
    const jsonl = pinscope('replay', sample, '--jsonl');
    assert.equal(jsonl.status, 0, jsonl.stderr);
    const lines = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const summary = lines.pop();
    assert.deepEqual(summary.summary.verdicts, { match: 4, mismatch: 0, incomplete: 0 });
    assert.equal(summary.summary.calls, 4);
    const whole = JSON.parse(pinscope('replay', sample, '--json').stdout);
    assert.deepEqual(lines.map(({ index: _index, ...call }) => call), whole.calls);
    assert.deepEqual(lines.map((c) => c.index), [0, 1, 2, 3]);
    assert.match(pinscope('--help').stdout, /--json one JSON document that holds every call/);
    assert.equal(pinscope('replay', sample, '--json', '--jsonl').status, 2);
  });

  it('the table prints the header first and a row per call, then the totals', () => {
    const run = pinscope('replay', join(REPO_ROOT, 'samples/traces/direct-io.trace'));
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    assert.match(lines[0]!, /^variant v3 /, 'the variant, decided before the first row');
    assert.match(lines[1]!, /^ +line +pid comm/);
    assert.deepEqual(lines.slice(2, 6).map((l) => Number(l.trim().split(/\s+/)[0])), [7, 15, 23, 27]);
    assert.match(lines[6]!, /direct-io\.trace: kprobe, 36 lines, 4 call\(s\)/);
    assert.equal(lines[7], '4 match, 0 mismatch, 0 incomplete');
  });

  it('a variant known before the first call (the recorded release, or forced) is replayed in one reading: what the calls say against it comes after the rows', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinscope-replay-'));
    const bare = join(KERNEL_TRACES, 'kprobe/efault.trace.txt');
    const recorded = join(dir, 'efault-6.12.trace');
    writeFileSync(recorded, `# pinscope: kernel_release=6.12.117+deb12-amd64 arch=x86_64\n${readFileSync(bare, 'utf8')}`);
    const rows = (out: string) => out.split('\n').filter((l) => /^ +\d+ /.test(l));
    // No release: a first reading decides (v3, from the calls' -EFAULT returns), then the rows.
    const decided = pinscope('replay', bare);
    assert.equal(decided.status, 0, decided.stderr);
    assert.match(decided.stdout, /^variant v3 \(behaviour\)/);
    const byRelease = pinscope('replay', recorded);
    assert.equal(byRelease.status, 0, byRelease.stderr);
    const lines = byRelease.stdout.split('\n');
    assert.match(lines[0]!, /^variant v3 \(release\): kernel 6\.12\.117/);
    assert.match(lines[1]!, /^ +line +pid comm/);
    assert.equal(rows(byRelease.stdout).length, 12);
    // The same calls and verdicts as the deciding reading gave (one line further down: the release line).
    assert.deepEqual(rows(byRelease.stdout).map((l) => l.replace(/^ +\d+/, '')), rows(decided.stdout).map((l) => l.replace(/^ +\d+/, '')));
    assert.ok(!byRelease.stdout.includes('warning:'));
    // Forced to v0, which no -EFAULT return fits: the disagreement is said at the end, with the totals.
    const forced = pinscope('replay', recorded, '--variant', 'v0');
    assert.equal(forced.status, 0, forced.stderr);
    const end = forced.stdout.trimEnd().split('\n');
    assert.match(end[0]!, /^variant v0 \(forced\)/);
    assert.match(end[end.length - 3]!, /efault-6\.12\.trace: kprobe, 113 lines, 12 call\(s\)/);
    assert.match(end[end.length - 2]!, /^warning: the calls disagree with v0: lines 15, 21, 27 \(and 3 more\)/);
    assert.equal(end[end.length - 1], '6 match, 6 mismatch, 0 incomplete');
    // --jsonl: the decision, with its warning, in the last line.
    const jsonl = pinscope('replay', recorded, '--variant', 'v0', '--jsonl').stdout.trimEnd().split('\n');
    assert.equal(jsonl.length, 13);
    assert.match(JSON.parse(jsonl[12]!).summary.variant.conflict, /the calls disagree with v0/);
  });

  it('pinscope stats: totals, the pin balance and histograms of the sample, as text and JSON', () => {
    const sample = join(REPO_ROOT, 'samples/traces/direct-io.trace');
    const text = pinscope('stats', sample);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /4 call\(s\) from 3 task\(s\)/);
    assert.match(text.stdout, /pins: 9 page\(s\) pinned by recorded GUP rounds, 9 unpin event\(s\), 0 outstanding/);
    const json = JSON.parse(pinscope('stats', sample, '--json').stdout);
    assert.equal(json.totals.calls, 4);
    assert.deepEqual(json.totals.verdicts, { match: 4, mismatch: 0, incomplete: 0 });
    assert.deepEqual(json.totals.callers, [{ key: 'sample_unbuffered_read', calls: 3 }, { key: 'sample_unbuffered_write', calls: 1 }]);
    // The four calls pinned 0, 2, 3 and 4 pages.
    const pages = json.histograms.pages;
    assert.deepEqual([pages.counts[0], pages.counts[2], pages.counts[3], pages.counts[4]], [1, 1, 1, 1]);
    assert.equal(pages.counts.reduce((a: number, b: number) => a + b, 0), 4);
    assert.equal(pinscope('stats', join(REPO_ROOT, 'absent.trace')).status, 2);
  });

  it('pinscope recipe prints the kprobe definitions for a kernel', () => {
    const run = pinscope('recipe', '--kernel', '6.12', '--kind', 'kprobe', '--iov-slots', '4');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, readFileSync(join(KERNEL_TRACES, 'meta/main/kprobe_events.txt'), 'utf8'));
    assert.equal(pinscope('recipe', '--kernel', '5.10').status, 2);
  });
});
