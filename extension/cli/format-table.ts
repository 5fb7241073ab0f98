// The human-readable form of a replay, for a terminal.
import { describeReturn } from '../engine';
import type { ReplayResultDto } from '../protocol/dto';

export function formatReplay(result: ReplayResultDto): string {
  const call = result.call;
  const lines = [
    `netfs_extract_user_iter (${call.variant}, ${call.iter.toUpperCase()} ${call.dir}, orig_len ${call.len}, page size ${call.pageSize}): ${describeReturn(result)}`,
    `max_pages ${result.maxPages}, pins held ${result.pinned} (${result.pinnedAfterCleanup} after the caller's cleanup), orig advanced ${result.origAdvance}`,
  ];
  for (const round of result.pinRounds) {
    lines.push(`pin_user_pages_fast(${round.start}, ${round.nrPages}, gup_flags ${round.gupFlags}) = ${round.ret}`);
  }
  if (result.bvecs.length) {
    lines.push('', '  #  page              offset   len');
    result.bvecs.forEach((bv, i) => {
      lines.push(`${String(i).padStart(3)}  ${(bv.uaddr ?? 'stale').padEnd(16)}  ${('0x' + bv.offset.toString(16)).padStart(6)}  ${('0x' + bv.len.toString(16)).padStart(6)}`);
    });
  }
  for (const line of result.log) lines.push(`log: ${line}`);
  for (const anomaly of result.anomalies) lines.push(`anomaly ${anomaly.kind}: ${anomaly.message}`);
  return lines.join('\n');
}
