// `pinscope recipe`: how to record a trace Pinscope can replay, for a kernel and an architecture.
import { parseArgs } from 'node:util';
import { ARCHES, recipe, RecipeError, type Arch } from '../trace';
import { UsageError } from './replay-command';

const KINDS = ['shell', 'kprobe', 'bpftrace'] as const;

export function recipeCommand(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      kernel: { type: 'string' },
      arch: { type: 'string', default: 'x86_64' },
      kind: { type: 'string', default: 'shell' },
      'iov-slots': { type: 'string' },
    },
  });
  if (!values.kernel) throw new UsageError('recipe: --kernel VERSION is required (e.g. 6.12)');
  if (!ARCHES.includes(values.arch as Arch)) throw new UsageError(`--arch: expected ${ARCHES.join(' or ')}`);
  const kind = values.kind as (typeof KINDS)[number];
  if (!KINDS.includes(kind)) throw new UsageError(`--kind: expected ${KINDS.join(', ')}`);
  const slots = values['iov-slots'] === undefined ? undefined : Number(values['iov-slots']);
  if (slots !== undefined && !(Number.isInteger(slots) && slots >= 1 && slots <= 24)) throw new UsageError('--iov-slots: 1 to 24');
  try {
    const r = recipe(values.kernel, values.arch as Arch, { iovSlots: slots });
    const text = kind === 'shell' ? r.shell : kind === 'kprobe' ? r.kprobeEvents : r.bpftrace;
    process.stdout.write(text);
    for (const note of r.notes) process.stderr.write(`note: ${note}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RecipeError) throw new UsageError(error.message);
    throw error;
  }
}
