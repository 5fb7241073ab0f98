// The bpftrace recipe, in the dialect the target's bpftrace understands. The
// lines it prints are the ones the bpftrace parser reads (formats/bpftrace.ts):
// "xui_entry key=value …", one "xui_iov" per IOVEC segment, "xui_exit", one
// "xui_bvec" per bio_vec made, "pupf_entry"/"pupf_exit" and "unpin".
//
// Dialects (bpftrace's CHANGELOG; kernel-semantics.md §5.6):
// - kfunc-arrow: kfunc/kretfunc with `args->x` — bpftrace before 0.19 (Debian
//   bookworm's 0.17). `args` was a pointer then.
// - kfunc-dot: kfunc/kretfunc with `args.x` — 0.19 ("Make args a structure").
// - fentry: fentry/fexit with `args.x` — 0.20 on (fentry/fexit became aliases
//   of kfunc/kretfunc in 0.20.0).
// - kprobe: kprobe/kretprobe with BTF struct casts of arg0…, which every
//   version accepts; a kretprobe has only retval, so the entry keeps the
//   iterator pointers in maps keyed by thread for the return to read. Needs
//   vmlinux BTF only (struct iov_iter lives there), not the module's.
import type { KernelProfile } from '../engine/kernel-profile';

export type BpftraceDialect = 'kfunc-arrow' | 'kfunc-dot' | 'fentry' | 'kprobe';
export const BPFTRACE_DIALECTS: readonly BpftraceDialect[] = ['kfunc-arrow', 'kfunc-dot', 'fentry', 'kprobe'];

export interface BpftraceChoice {
  readonly dialect: BpftraceDialect;
  /** Why this dialect, in words (shown before recording, kept in the sidecar). */
  readonly reason: string;
}

/** "0.17.0" of "bpftrace v0.17.0" (or "bpftrace v0.20.0-dirty"); null when there is no version in it. */
export function parseBpftraceVersion(text: string | undefined | null): readonly [number, number, number] | null {
  const m = /\bv?(\d+)\.(\d+)(?:\.(\d+))?/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/**
 * The dialect for a bpftrace version. kfunc/fentry need the module's BTF (the
 * function is in netfs.ko when netfs is a module); without it, or when the
 * version cannot be read, the kprobe form that every version accepts.
 */
export function chooseBpftraceDialect(versionText: string | null | undefined, moduleBtf: boolean): BpftraceChoice {
  const v = parseBpftraceVersion(versionText);
  const shown = v ? `bpftrace ${v.join('.')}` : `bpftrace (version ${JSON.stringify(versionText ?? '')} not readable)`;
  if (!v) return { dialect: 'kprobe', reason: `${shown}: kprobe/kretprobe with BTF casts, which every version accepts` };
  if (!moduleBtf) return { dialect: 'kprobe', reason: `${shown}, but the netfs module has no BTF for kfunc/fentry: kprobe/kretprobe with BTF casts` };
  const [major, minor] = v;
  const at = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);
  if (at(0, 20)) return { dialect: 'fentry', reason: `${shown}: fentry/fexit with args.x (0.20 on)` };
  if (at(0, 19)) return { dialect: 'kfunc-dot', reason: `${shown}: kfunc/kretfunc with args.x (0.19: args is a struct, fentry is not an alias yet)` };
  return { dialect: 'kfunc-arrow', reason: `${shown}: kfunc/kretfunc with args->x (before 0.19 args is a pointer)` };
}

export interface BpftraceScriptOptions {
  readonly dialect: BpftraceDialect;
  /** Where netfs_extract_user_iter lives: the netfs module, or vmlinux when netfs is built in. */
  readonly module?: 'netfs' | 'vmlinux';
  /** A first comment line (how to run it). */
  readonly header?: string;
}

/** The script for one kernel (its iter_type numbers and field names) in one dialect. */
export function bpftraceScript(profile: KernelProfile, options: BpftraceScriptOptions): string {
  const { dialect } = options;
  const module = options.module ?? 'netfs';
  const iovecType = profile.iterTypes.indexOf('ITER_IOVEC');
  // The iovec array was renamed __iov in 6.4 (iter_iov() came with it).
  const iovField = profile.major > 6 || profile.minor >= 4 ? '__iov' : 'iov';
  const kprobe = dialect === 'kprobe';
  const a = (name: string) => (dialect === 'kfunc-arrow' ? `args->${name}` : `args.${name}`);
  const [enter, leave] = dialect === 'fentry' ? ['fentry', 'fexit'] : ['kfunc', 'kretfunc'];
  const fn = 'netfs_extract_user_iter';

  const entryProbe = kprobe ? `kprobe:${fn}` : `${enter}:${module}:${fn}`;
  const exitProbe = kprobe ? `kretprobe:${fn}` : `${leave}:${module}:${fn}`;
  const entryLocals = kprobe
    ? `\t$o = (struct iov_iter *)arg0;\n\t@pinscope_orig[tid] = arg0;\n\t@pinscope_new[tid] = arg2;\n`
    : `\t$o = ${a('orig')};\n`;
  const [origLen, newPtr, flags] = kprobe ? ['arg1', 'arg2', '(uint32)arg3'] : [a('orig_len'), `(uint64)${a('new')}`, a('extraction_flags')];
  const exitLocals = kprobe
    ? `\t$o = (struct iov_iter *)@pinscope_orig[tid];\n\t$n = (struct iov_iter *)@pinscope_new[tid];\n\tdelete(@pinscope_orig[tid]);\n\tdelete(@pinscope_new[tid]);\n\t$ret = (int64)retval;\n`
    : `\t$o = ${a('orig')};\n\t$n = ${a('new')};\n\t$ret = (int64)retval;\n`;

  return `${options.header ? `// ${options.header}\n` : ''}// Pinscope recording recipe (${dialect}): Linux ${profile.major}.${profile.minor}.
${entryProbe}
{
${entryLocals}\tprintf("xui_entry ts=%llu cpu=%d pid=%d tid=%d comm=%s orig=0x%lx type=%u source=%u nofault=%u iov_offset=%lu ptr=0x%lx count=%lu nr_segs=%lu orig_len=%lu new=0x%lx flags=0x%x\\n",
\t       nsecs, cpu, pid, tid, comm, (uint64)$o, $o->iter_type, $o->data_source, $o->nofault,
\t       $o->iov_offset, (uint64)$o->ubuf, $o->count, $o->nr_segs, ${origLen}, ${newPtr}, ${flags});
\tif ($o->iter_type == ${iovecType}) {
\t\t$i = (uint64)0;
\t\twhile ($i < $o->nr_segs && $i < 1024) {
\t\t\t$v = $o->${iovField} + $i;
\t\t\tprintf("xui_iov pid=%d idx=%lu base=0x%lx len=%lu\\n", pid, $i, (uint64)$v->iov_base, $v->iov_len);
\t\t\t$i++;
\t\t}
\t}
}

${exitProbe}
{
${exitLocals}\tprintf("xui_exit ts=%llu cpu=%d pid=%d tid=%d comm=%s ret=%ld orig_iov_offset=%lu orig_ptr=0x%lx orig_count=%lu orig_nr_segs=%lu new_type=%u new_source=%u new_iov_offset=%lu new_bvec=0x%lx new_count=%lu new_nr_segs=%lu\\n",
\t       nsecs, cpu, pid, tid, comm, $ret, $o->iov_offset, (uint64)$o->ubuf, $o->count, $o->nr_segs,
\t       $n->iter_type, $n->data_source, $n->iov_offset, (uint64)$n->bvec, $n->count, $n->nr_segs);
\tif ($ret > 0) {
\t\t$i = (int64)0;
\t\twhile ($i < $ret && $i < 256) {
\t\t\t$bv = (struct bio_vec *)($n->bvec + $i);
\t\t\tprintf("xui_bvec pid=%d idx=%ld page=0x%lx off=%u len=%u\\n", pid, $i, (uint64)$bv->bv_page, $bv->bv_offset, $bv->bv_len);
\t\t\t$i++;
\t\t}
\t}
}

kprobe:pin_user_pages_fast
{
\tprintf("pupf_entry pid=%d start=0x%lx nr_pages=%d gup_flags=0x%x\\n", pid, arg0, (int32)arg1, (uint32)arg2);
}

kretprobe:pin_user_pages_fast
{
\tprintf("pupf_exit pid=%d ret=%d\\n", pid, (int32)retval);
}

kprobe:unpin_user_page
{
\tprintf("unpin pid=%d page=0x%lx\\n", pid, arg0);
}
`;
}
