// pin_user_pages_fast() (spec §2.6): pins the leading pages it can; a failure
// after some pins returns the partial count, a failure on the first page its
// errno. Never an error with pins held.
import type { PinRoundDto } from '../protocol/dto';
import type { AddressSpace } from './address-space';
import { toHex } from './hex';
import type { PinLedger } from './pin-ledger';

/** FOLL_* as 6.12 numbers them; FOLL_PIN (1 << 19) is added inside GUP. */
export const FOLL_WRITE = 0x1;
export const FOLL_NOFAULT = 0x20;

export interface PinOutcome {
  readonly ret: number;
  /** Model page frames of the pinned pages, in order. */
  readonly pages: readonly number[];
}

export function pinUserPagesFast(
  space: AddressSpace,
  ledger: PinLedger,
  rounds: PinRoundDto[],
  start: number,
  nrPages: number,
  gupFlags: number,
): PinOutcome {
  const write = (gupFlags & FOLL_WRITE) !== 0;
  const nofault = (gupFlags & FOLL_NOFAULT) !== 0;
  const pages: number[] = [];
  let ret = 0;
  for (let k = 0; k < nrPages; k++) {
    const uaddr = start + k * space.pageSize;
    const found = space.resolve(uaddr, write, nofault);
    if (typeof found === 'number') {
      if (k === 0) ret = found;
      break;
    }
    ledger.pin(uaddr, found);
    pages.push(found.page);
    ret = k + 1;
  }
  rounds.push({ start: toHex(start), nrPages, gupFlags, ret });
  return { ret, pages };
}
