// The replay cache's key (trace/verdict.ts replayKey) tells inputs apart
// exactly as their JSON does: two inputs share a key only when their JSON is
// the same, on every call of the real traces and on inputs made to collide.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readTraceFile } from '../../../extension/node/trace-file';
import type { CallDto } from '../../../extension/protocol/dto';
import { decodeCall } from '../../../extension/trace';
import { replayKey } from '../../../extension/trace/verdict';
import { KERNEL_TRACES, traceFiles } from '../../support/kernel-traces';

/** Fails when two inputs share a key but not their JSON, or their JSON but not a key. */
function assertKeysMatchJson(inputs: readonly CallDto[]): void {
  const jsonOf = new Map<string, string>();
  const keyOf = new Map<string, string>();
  for (const input of inputs) {
    const key = replayKey(input);
    const json = JSON.stringify(input);
    assert.equal(jsonOf.get(key) ?? json, json, `two inputs share the key ${key}`);
    assert.equal(keyOf.get(json) ?? key, key, `one input has two keys: ${json}`);
    jsonOf.set(key, json);
    keyOf.set(json, key);
  }
}

describe('trace: the replay cache key', () => {
  it('on every call of the real traces, decoded for each kernel and variant: the same key exactly when the same JSON', async () => {
    const inputs: CallDto[] = [];
    for (const file of traceFiles()) {
      await readTraceFile(join(KERNEL_TRACES, file.path), {
        onCall: (call) => {
          for (const kernel of ['6.3', '6.8', '6.12']) {
            const input = decodeCall(call, kernel).input;
            if (input) for (const variant of ['v0', 'v1', 'v2', 'v3'] as const) inputs.push({ ...input, variant });
          }
        },
      });
    }
    assert.ok(inputs.length > 300, `${inputs.length} inputs`);
    assertKeysMatchJson(inputs);
    assert.ok(new Set(inputs.map(replayKey)).size > 100);
  });

  it('inputs made to run into each other stay apart: texts that join the same, ranges moved between lists, VMAs and events', () => {
    const base: CallDto = {
      iter: 'iovec', segments: [{ addr: '0x1', len: 12 }], iovOffset: 0, len: 12, dir: 'read', pageSize: 4096, variant: 'v3',
      unmapped: [], readonly: [], untouched: [], vmas: null, events: [], kernel: '6.12', nofault: false,
    };
    const range = { addr: '0x1000', len: 4096 };
    assertKeysMatchJson([
      base,
      { ...base },
      { ...base, segments: [{ addr: '0x11', len: 2 }] },
      { ...base, segments: [{ addr: '0x1', len: 1 }, { addr: '0x2', len: 1 }] },
      { ...base, segments: [] },
      { ...base, unmapped: [range] },
      { ...base, readonly: [range] },
      { ...base, untouched: [range] },
      { ...base, unmapped: [range, range] },
      { ...base, kernel: '6.1', nofault: true },
      { ...base, kernel: '6.11' },
      { ...base, nofault: true },
      { ...base, iovOffset: 1, len: 2 },
      { ...base, iovOffset: 12, len: 0 },
      { ...base, pageSize: 16384 },
      { ...base, dir: 'write' },
      { ...base, iter: 'ubuf' },
      { ...base, variant: 'v0' },
      { ...base, vmas: [] },
      { ...base, vmas: [{ addr: '0x1000', len: 4096, prot: 'rw', kind: 'anon', populated: true, folioOrder: 0 }] },
      { ...base, events: [{ kind: 'gup-error', addr: '0x1000', len: 4096, errno: 'EFAULT' }] },
    ]);
  });
});
