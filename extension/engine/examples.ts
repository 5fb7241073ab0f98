// Worked examples from the spec (§1.7), used as the default replay.
import type { CallDto } from '../protocol/dto';

/** E1: a 0x3000-byte read into a UBUF at 0x7f0000001100, 4 KiB pages, all mapped. */
export const EXAMPLE_E1: CallDto = {
  iter: 'ubuf',
  segments: [{ addr: '0x7f0000001100', len: 0x3000 }],
  iovOffset: 0,
  len: 0x3000,
  dir: 'read',
  pageSize: 4096,
  variant: 'v3',
  unmapped: [],
  readonly: [],
  untouched: [],
  vmas: null,
  events: [],
  kernel: '6.12',
  nofault: false,
};
