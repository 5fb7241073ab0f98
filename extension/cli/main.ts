// The `pinscope` command line: the engine headless, for scripts and CI.
import { CallError, normaliseCall, replayCall } from '../engine';
import { formatReplay } from './format-table';
import { indexCommand } from './index-command';
import { recipeCommand } from './recipe-command';
import { recordCommand } from './record-command';
import { replayCommand, UsageError } from './replay-command';
import { statsCommand } from './stats-command';
import { parseSimulateArgs } from './simulate-args';

const USAGE = `usage: pinscope simulate (--ubuf ADDR:LEN | --iov ADDR:LEN[,ADDR:LEN...]) [--iov-offset N] [--len N]
                         [--dir read|write] [--page-size 4096|16384|65536] [--variant v0|v1|v2|v3]
                         [--kernel VERSION] [--nofault]
                         [--unmapped ADDR:LEN]... [--readonly ADDR:LEN]... [--untouched ADDR:LEN]...
                         [--enomem ADDR:LEN]... [--max-pages N] [--json]
       pinscope simulate --input CALLS.json [--json]
       pinscope replay FILE [--format auto|kprobe|fprobe|function|fgraph|tracecmd|bpftrace|bpftrace-json]
                       [--variant auto|v0|v1|v2|v3] [--kernel VERSION] [--json | --jsonl] [--strict]
       pinscope stats FILE [--format …] [--variant …] [--kernel VERSION] [--json]
       pinscope recipe --kernel VERSION [--arch x86_64|arm64] [--kind shell|kprobe|bpftrace]
       pinscope index DIR [--exclude NAME]... [--json]
       pinscope record (--target-command CMD | --target local | --target ssh://[user@]host[:port])
                       [--kind kprobe|fprobe|function_graph|bpftrace] [-o FILE[.gz]] [--duration SECONDS] [-- WORKLOAD...]

  Replays one call of netfs_extract_user_iter() through the kernel model.
  --variant  v0 original (6.3-7.0), v1 +error handling, v2 +overrun check, v3 +ret initialised (default)
  --kernel   kernel version for the zero-page pin rule and iter_type numbers (default 6.12;
             replay: the kernel release the trace records, else 6.12)
  replay --variant auto (default): the kernel release the trace records, else what its calls did,
             else v3; the table and the JSON say which and why
  --unmapped, --readonly, --untouched  memory facts (page-rounded); --enomem  GUP -ENOMEM there
  --max-pages what if iov_iter_npages() reported N pages (max_pages: the bvec array's capacity)
  --input    a JSON array of calls; each may also give vmas and events (see README)

  replay     prints a table row per call as it is replayed (constant memory, any trace size);
             --jsonl one JSON object per call, as it is replayed, and a last line with the summary;
             --json one JSON document that holds every call (memory grows with the trace: use
             --jsonl for big traces); --strict exits 1 when a call mismatches
  stats      the whole trace at a glance: calls per task, verdict and anomaly, callers, sizes,
             the pin balance, histograms of bytes, pages, GUP rounds and time inside the call`;

function simulate(argv: string[]): number {
  const request = parseSimulateArgs(argv);
  const results = request.calls.map((call, i) => {
    try {
      return replayCall(normaliseCall(call));
    } catch (error) {
      if (error instanceof CallError && request.many) throw new CallError(`call ${i}: ${error.field}`, error.message);
      throw error;
    }
  });
  if (request.json) {
    process.stdout.write(JSON.stringify(request.many ? results : results[0], null, 2) + '\n');
  } else {
    process.stdout.write(results.map(formatReplay).join('\n\n') + '\n');
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'simulate':
        return simulate(rest);
      case 'replay':
        return await replayCommand(rest);
      case 'stats':
        return await statsCommand(rest);
      case 'recipe':
        return recipeCommand(rest);
      case 'index':
        return await indexCommand(rest);
      case 'record':
        return await recordCommand(rest);
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return 0;
      default:
        process.stderr.write(`pinscope: unknown command ${JSON.stringify(command ?? '')}\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CallError || error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`pinscope: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
