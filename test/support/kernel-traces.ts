// The real kernel traces the tests read (a Debian 6.12.117 kernel under qemu,
// eight formats), kept in the repository so a fresh clone tests the same:
// the manifest and what each trace file should yield.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES } from './fixtures';

export const KERNEL_TRACES = join(FIXTURES, 'kernel-traces');

export interface TruthSegment {
  readonly base: string;
  readonly len: number;
}

export interface ExpectedCall {
  readonly seq: number;
  readonly args?: Record<string, unknown> & { iter_type_name?: string; data_source?: number; orig_len?: number; iov_offset?: number };
  readonly pin_rounds: Array<{ start?: string; nr_pages?: number; gup_flags?: number; ret?: number; graph?: boolean; caller?: string }>;
  readonly ret?: number;
  readonly new_after?: { count: number; nr_segs: number };
  readonly orig_after?: { count: number; iov_offset: number; nr_segs: number };
  readonly bvecs?: Array<{ idx: number; pfn: number; offset: number; len: number }>;
  readonly bvec_slots_first4?: Array<{ idx: number; offset: number; len: number; meaningful: boolean; pfn: number }>;
  readonly unpins?: unknown[];
  readonly graph_children?: string[];
  readonly truth: {
    readonly op: string;
    readonly segments: TruthSegment[];
    readonly kernel_count: number;
    readonly syscall_ret: number;
    readonly errno: number;
    readonly predicted_iter_type: string;
    readonly note?: string;
  };
}

export interface TraceFile {
  readonly path: string;
  readonly format: string;
  readonly scenario: string;
  readonly expected_calls: ExpectedCall[];
}

export function traceFiles(): TraceFile[] {
  const manifest = JSON.parse(readFileSync(join(KERNEL_TRACES, 'manifest.json'), 'utf8')) as { files: Array<Partial<TraceFile>> };
  return manifest.files.filter((f): f is TraceFile => Array.isArray(f.expected_calls) && f.expected_calls.length > 0);
}
