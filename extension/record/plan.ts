// From what the target said about itself to what to record there: the facts
// the probe script prints, what is missing for a kind of recording (in plain
// words), and the plan (the recipe's probes for that kernel and arch).
import { kernelProfile, parseKernelVersion } from '../engine/kernel-profile';
import { ARCHES, recipe, RecipeError, type Arch, type Recipe } from '../trace/recipes';
import { bpftraceScript, chooseBpftraceDialect, type BpftraceChoice } from '../trace/recipe-bpftrace';
import type { RecordKind, RecordPlan } from './script';

export interface TargetFacts {
  /** uname -r and uname -m, from the "# pinscope: kernel_release=… arch=…" line. */
  kernelRelease: string | null;
  arch: string | null;
  /** Every "# pinscope-fact: key=value" line, as printed. */
  readonly facts: Record<string, string>;
}

export function emptyFacts(): TargetFacts {
  return { kernelRelease: null, arch: null, facts: {} };
}

/** The message lines of the recording script; null for a trace line. */
export type Message =
  | { readonly kind: 'release'; readonly release: string; readonly arch: string | null }
  | { readonly kind: 'fact'; readonly key: string; readonly value: string }
  | { readonly kind: 'probed' }
  | { readonly kind: 'status' | 'error' | 'workload' | 'end' | 'cleanup' | 'alive'; readonly text: string };

const RELEASE = /^# pinscope: kernel_release=(\S+)(?: arch=(\S+))?\s*$/;
const MESSAGE = /^# pinscope-(fact|status|error|workload|end|cleanup|alive|probed)(?:: (.*))?$/;

export function parseMessage(line: string): Message | null {
  if (!line.startsWith('# pinscope')) return null;
  const release = RELEASE.exec(line);
  if (release) return { kind: 'release', release: release[1]!, arch: release[2] ?? null };
  const m = MESSAGE.exec(line);
  if (!m) return null;
  const kind = m[1] as Exclude<Message['kind'], 'release'>;
  const text = m[2] ?? '';
  if (kind === 'probed') return { kind };
  if (kind === 'fact') {
    const eq = text.indexOf('=');
    return { kind, key: eq < 0 ? text : text.slice(0, eq), value: eq < 0 ? '' : text.slice(eq + 1) };
  }
  return { kind, text };
}

export function noteMessage(facts: TargetFacts, message: Message): void {
  if (message.kind === 'release') {
    facts.kernelRelease = message.release;
    facts.arch = message.arch;
  } else if (message.kind === 'fact') {
    facts.facts[message.key] = message.value;
  }
}

/** "6.12" of "6.12.117+deb12-amd64"; null when it is not a release. */
export function kernelVersionOf(release: string | null): string | null {
  const v = release ? parseKernelVersion(release) : null;
  return v ? `${v.major}.${v.minor}` : null;
}

/** What this target lacks for a recording of that kind; empty when it can record. */
export function missingFor(facts: TargetFacts, kind: RecordKind): string[] {
  const f = facts.facts;
  const missing: string[] = [];
  if (!facts.kernelRelease) return ['the target did not report its kernel release (is the target command running the script with sh?)'];
  const version = kernelVersionOf(facts.kernelRelease);
  if (!version) missing.push(`kernel release ${facts.kernelRelease} is not a version Pinscope can read`);
  if (!ARCHES.includes(facts.arch as Arch)) missing.push(`arch ${facts.arch ?? '?'}: recipes exist for ${ARCHES.join(' and ')}`);
  if (f.root !== 'yes') missing.push('root: the script does not run as root on the target (use sudo, pkexec or a root login)');
  if (!f.tracefs || f.tracefs === 'none') missing.push('tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)');
  else if (f.instances !== 'yes' && kind !== 'bpftrace') missing.push(`tracefs at ${f.tracefs} has no instances/ folder (a kernel older than 4.x?)`);
  if (f.netfs === 'absent') missing.push('the netfs module is not loaded (it loads with 9p, afs, cifs, ceph…: mount one first)');
  if (f.traceable !== 'yes') missing.push('netfs_extract_user_iter is not in available_filter_functions (not traceable on this kernel)');
  if ((kind === 'kprobe' || kind === 'function_graph') && f.kprobe_events !== 'yes') missing.push('kprobe_events is missing (CONFIG_KPROBE_EVENTS)');
  if (kind === 'function_graph' && f.function_graph !== 'yes') missing.push('the function_graph tracer is not available (CONFIG_FUNCTION_GRAPH_TRACER)');
  if (kind === 'fprobe') {
    if (f.dynamic_events !== 'yes') missing.push('dynamic_events is missing (CONFIG_DYNAMIC_EVENTS)');
    if (f.fprobe !== 'yes') missing.push('fprobe events are not supported (CONFIG_FPROBE_EVENTS)');
    if (f.btf !== 'yes') missing.push('BTF is missing (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF): fprobes name arguments through it');
    if (f.btf_netfs !== 'yes' && f.netfs === 'loaded') missing.push('the netfs module has no BTF (/sys/kernel/btf/netfs; CONFIG_DEBUG_INFO_BTF_MODULES)');
  }
  if (kind === 'bpftrace') {
    if (!f.bpftrace || f.bpftrace === 'none') missing.push('bpftrace is not installed on the target (not on the PATH of its root shell; e.g. apt-get install bpftrace)');
    if (f.btf !== 'yes') missing.push('BTF is missing (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF): the bpftrace program reads struct iov_iter through it');
  }
  return missing;
}

export type PlanChoice =
  | { readonly ok: true; readonly plan: RecordPlan; readonly recipe: Recipe; readonly kernel: string; readonly bpftrace?: BpftraceChoice }
  | { readonly ok: false; readonly missing: readonly string[] };

export interface PlanOptions {
  readonly id: string;
  readonly kind: RecordKind;
  readonly duration?: number;
  readonly workload?: readonly string[];
  readonly failAfterSetup?: boolean;
}

/** The recording for this target: the recipe for its kernel and arch, in a group of its own. */
export function choosePlan(facts: TargetFacts, options: PlanOptions): PlanChoice {
  const missing = missingFor(facts, options.kind);
  if (missing.length) return { ok: false, missing };
  const kernel = kernelVersionOf(facts.kernelRelease)!;
  let r: Recipe;
  try {
    r = recipe(kernel, facts.arch as Arch, { group: `pinscope_${options.id}` });
  } catch (error) {
    if (error instanceof RecipeError) return { ok: false, missing: [error.message] };
    throw error;
  }
  const lines = (text: string) => text.trim().split('\n');
  let definitions: RecordPlan['definitions'];
  let filters: Record<string, string> = {};
  if (options.kind === 'bpftrace') {
    // The target's bpftrace decides the dialect; the function is in the netfs module unless netfs is built in.
    const f = facts.facts;
    const module = f.netfs === 'built-in' ? 'vmlinux' : 'netfs';
    const bt = chooseBpftraceDialect(f.bpftrace_version, module === 'vmlinux' ? f.btf === 'yes' : f.btf_netfs === 'yes');
    const program = bpftraceScript(kernelProfile(kernel)!, { dialect: bt.dialect, module, header: bt.reason });
    return {
      ok: true,
      kernel,
      recipe: r,
      bpftrace: bt,
      plan: { id: options.id, kind: 'bpftrace', definitions: [], filters: {}, bpftrace: program, duration: options.duration, workload: options.workload, failAfterSetup: options.failAfterSetup },
    };
  }
  if (options.kind === 'fprobe') {
    if (!r.fprobeEvents) return { ok: false, missing: r.notes.filter((n) => n.startsWith('fprobes')) };
    definitions = lines(r.fprobeEvents).map((text) => ({ file: 'dynamic_events' as const, text }));
  } else {
    definitions = lines(r.kprobeEvents).map((text) => ({ file: 'kprobe_events' as const, text }));
    filters = { ...r.filters };
  }
  return {
    ok: true,
    kernel,
    recipe: r,
    plan: { id: options.id, kind: options.kind, definitions, filters, duration: options.duration, workload: options.workload, failAfterSetup: options.failAfterSetup },
  };
}

/** The trace format the recording's lines are in. */
export function formatOf(kind: RecordKind): 'kprobe' | 'fprobe' | 'fgraph' | 'bpftrace' {
  return kind === 'function_graph' ? 'fgraph' : kind;
}
