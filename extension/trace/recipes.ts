// Recording recipes: for a kernel version and architecture, the tracefs
// kprobe_events, a function_graph set-up and a bpftrace script that record
// what a replay needs (the arguments and the iovec array, the return value,
// the iterators after the call, the pin rounds and the unpins). Offsets and
// iter_type numbers by version follow kernel-semantics.md §2.1 and §5.7.
import { kernelProfile } from '../engine/kernel-profile';
import { bpftraceScript } from './recipe-bpftrace';

export type Arch = 'x86_64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x86_64', 'arm64'];

export interface Recipe {
  readonly kernel: string;
  readonly arch: Arch;
  /** Lines for /sys/kernel/tracing/kprobe_events. */
  readonly kprobeEvents: string;
  /** Lines for dynamic_events: fprobes with BTF argument names (6.12 on: arguments read at %return); null before. */
  readonly fprobeEvents: string | null;
  /** Event filters the probes need, by event name (the iovec probe fires for IOVEC only). */
  readonly filters: Readonly<Record<string, string>>;
  /** A shell script: define the probes, add function_graph, record, save the trace. */
  readonly shell: string;
  /** A bpftrace script (0.20+ syntax: fentry/fexit and `args.x`; recipe-bpftrace.ts has the other dialects). */
  readonly bpftrace: string;
  /** What this kernel cannot record, and how the recipe works around it. */
  readonly notes: readonly string[];
}

export interface RecipeOptions {
  /** iovec slots the iovec probe records (kprobe args are a fixed list). */
  readonly iovSlots?: number;
  /** tracefs event group. */
  readonly group?: string;
}

interface Layout {
  readonly nofault: number;
  readonly source: number;
  readonly count: number;
  readonly ptr: number;
}

/** struct iov_iter offsets on 64-bit (spec §5.7). */
function layout(major: number, minor: number): Layout {
  const v = major * 100 + minor;
  if (v <= 603) return { nofault: 1, source: 2, count: 16, ptr: 24 };
  if (v <= 605) return { nofault: 1, source: 2, count: 24, ptr: 16 };
  if (v === 606) return { nofault: 2, source: 3, count: 24, ptr: 16 };
  return { nofault: 1, source: 2, count: 24, ptr: 16 };
}

const REGISTERS: Record<Arch, readonly string[]> = {
  x86_64: ['%di', '%si', '%dx', '%cx'],
  arm64: ['%x0', '%x1', '%x2', '%x3'],
};

export class RecipeError extends Error {}

export function recipe(kernel: string, arch: Arch, options: RecipeOptions = {}): Recipe {
  const profile = kernelProfile(kernel);
  if (!profile) throw new RecipeError(`kernel ${JSON.stringify(kernel)}: netfs_extract_user_iter exists from 6.3 on`);
  if (!ARCHES.includes(arch)) throw new RecipeError(`arch ${JSON.stringify(arch)}: expected ${ARCHES.join(' or ')}`);
  const group = options.group ?? 'pinscope';
  const slots = options.iovSlots ?? 8;
  const [orig, len, nu, flags] = REGISTERS[arch];
  const o = layout(profile.major, profile.minor);
  const argsAtReturn = profile.major > 6 || profile.minor >= 12;
  const iovecType = profile.iterTypes.indexOf('ITER_IOVEC');
  const notes: string[] = [];

  const entry =
    `p:${group}/xui_entry netfs_extract_user_iter orig=${orig}:x64 type=+0(${orig}):u8 nofault=+${o.nofault}(${orig}):u8 ` +
    `source=+${o.source}(${orig}):u8 iov_offset=+8(${orig}):u64 ptr=+${o.ptr}(${orig}):x64 count=+${o.count}(${orig}):u64 ` +
    `nr_segs=+32(${orig}):u64 orig_len=${len}:u64 new=${nu}:x64 flags=${flags}:x32`;
  const iovFields = Array.from({ length: slots }, (_, i) =>
    `iov${i}_base=+${16 * i}(+${o.ptr}(${orig})):x64 iov${i}_len=+${16 * i + 8}(+${o.ptr}(${orig})):u64`,
  ).join(' ');
  const iov = `p:${group}/xui_iov netfs_extract_user_iter type=+0(${orig}):u8 nr_segs=+32(${orig}):u64 ${iovFields}`;
  let exit: string;
  const extra: string[] = [];
  if (argsAtReturn) {
    const bv = Array.from({ length: 4 }, (_, i) =>
      `bv${i}_page=+${16 * i}(+${o.ptr}($arg3)):x64 bv${i}_len=+${16 * i + 8}(+${o.ptr}($arg3)):u32 bv${i}_off=+${16 * i + 12}(+${o.ptr}($arg3)):u32`,
    ).join(' ');
    exit =
      `r10:${group}/xui_exit netfs_extract_user_iter ret=$retval:s64 orig=$arg1:x64 orig_iov_offset=+8($arg1):u64 ` +
      `orig_ptr=+${o.ptr}($arg1):x64 orig_count=+${o.count}($arg1):u64 orig_nr_segs=+32($arg1):u64 new=$arg3:x64 ` +
      `new_type=+0($arg3):u8 new_source=+${o.source}($arg3):u8 new_iov_offset=+8($arg3):u64 new_bvec=+${o.ptr}($arg3):x64 ` +
      `new_count=+${o.count}($arg3):u64 new_nr_segs=+32($arg3):u64 ${bv}`;
  } else {
    exit = `r10:${group}/xui_exit netfs_extract_user_iter ret=$retval:s64`;
    extra.push(`p:${group}/xui_bvec_init iov_iter_bvec it=${orig}:x64 dir=${len}:u32 bv=${nu}:x64 nr=${flags}:u64 cnt=${arch === 'x86_64' ? '%r8' : '%x4'}:u64`);
    notes.push(
      `Return probes read $argN only from 6.12 on: the new iterator comes from a probe on iov_iter_bvec (nr_segs and count); the original iterator after the call is not recorded.`,
    );
  }
  const pins = [
    `p:${group}/pupf_entry pin_user_pages_fast start=${orig}:x64 nr_pages=${len}:s32 gup_flags=${nu}:x32 pages=${flags}:x64`,
    `r10:${group}/pupf_exit pin_user_pages_fast ret=$retval:s32`,
    `p:${group}/unpin_page unpin_user_page page=${orig}:x64`,
  ];
  const kprobeEvents = [entry, iov, exit, ...pins, ...extra].join('\n') + '\n';
  notes.push(
    `iter_type numbers on ${kernel}: ${profile.iterTypes.map((t, i) => `${i}=${t}`).join(', ')}; the iovec probe is filtered to type==${iovecType} (IOVEC) and records ${slots} slots.`,
  );

  // fprobes name the arguments through BTF; the field names follow the kprobe recipe's, so one parser reads both.
  const fprobeEvents = argsAtReturn
    ? [
        `f:${group}/xui_entry netfs_extract_user_iter orig=orig orig_len=orig_len new=new extraction_flags=extraction_flags ` +
          `type=orig->iter_type source=orig->data_source nofault=orig->nofault iov_offset=orig->iov_offset ptr=orig->ubuf ` +
          `count=orig->count nr_segs=orig->nr_segs`,
        `f:${group}/xui_exit netfs_extract_user_iter%return ret=$retval orig_iov_offset=orig->iov_offset orig_count=orig->count ` +
          `orig_nr_segs=orig->nr_segs new_type=new->iter_type new_source=new->data_source new_iov_offset=new->iov_offset ` +
          `new_bvec=new->bvec new_count=new->count new_nr_segs=new->nr_segs`,
        `f:${group}/pupf_entry pin_user_pages_fast start=start nr_pages=nr_pages gup_flags=gup_flags pages=pages`,
        `f:${group}/pupf_exit pin_user_pages_fast%return ret=$retval`,
        `f:${group}/unpin_page unpin_user_page page=page`,
      ].join('\n') + '\n'
    : null;
  if (!fprobeEvents) notes.push(`fprobes read function arguments at %return from 6.12 on: on ${kernel} record with kprobes.`);
  const filters = { xui_iov: `type==${iovecType}` };

  const events = [...kprobeEvents.trim().split('\n')].map((line) => line.split(' ')[0]!.split('/')[1]!);
  const shell = `#!/bin/sh
# Pinscope recording recipe: Linux ${kernel}, ${arch}. Run as root; the trace
# ends up in ./pinscope.trace, its first line naming the kernel it ran on
# (Pinscope then knows the variant). Replay it with: pinscope replay pinscope.trace
set -e
cd /sys/kernel/tracing
echo 0 > tracing_on
echo > trace
echo > kprobe_events
cat >> kprobe_events <<'PINSCOPE'
${kprobeEvents}PINSCOPE
echo 'type==${iovecType}' > events/${group}/xui_iov/filter
${events.map((e) => `echo 1 > events/${group}/${e}/enable`).join('\n')}
# function_graph around the call shows the pin rounds nested inside it.
echo netfs_extract_user_iter > set_graph_function
echo function_graph > current_tracer
echo funcgraph-proc > trace_options
echo funcgraph-abstime > trace_options
echo 1 > tracing_on
echo "pinscope: recording; run the workload, then press Enter"
read _
echo 0 > tracing_on
{ echo "# pinscope: kernel_release=$(uname -r) arch=$(uname -m)"; cat trace; } > "$OLDPWD/pinscope.trace"
echo nop > current_tracer
echo > set_graph_function
${events.map((e) => `echo 0 > events/${group}/${e}/enable`).join('\n')}
echo > kprobe_events
`;

  // The fentry dialect (bpftrace 0.20 on); `pinscope record --kind bpftrace` picks the target's own.
  const bpftrace = bpftraceScript(profile, {
    dialect: 'fentry',
    header: `bpftrace 0.20+ (older: pinscope record --kind bpftrace picks the dialect). Run (the first line names the kernel, so Pinscope knows the variant):
//   { echo "# pinscope: kernel_release=$(uname -r) arch=$(uname -m)"; bpftrace pinscope.bt; } > pinscope.bt.txt
// then: pinscope replay pinscope.bt.txt`,
  });
  return { kernel, arch, kprobeEvents, fprobeEvents, filters, shell, bpftrace, notes };
}
