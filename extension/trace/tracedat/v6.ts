// Version 6: the same metadata one after the other from the header on,
// then the CPU count, options (BUFFER: where each instance's flyrecord is),
// and "flyrecord" with every CPU's data offset and size.
import { Cursor, hex, unsupported } from './bytes';
import { cmdlines, eventFormats, ftraceEvents, headerInfo, kallsyms, MAX_CPUS, OPT, plainOption, printk, type Builder } from './contents';
import type { CpuData } from './file';
import type { ByteSource } from './source';
import { Stream } from './stream';

export async function readV6(source: ByteSource, b: Builder, start: number, pageSize: number): Promise<void> {
  const s = new Stream(source, start, source.size, (pos) => `byte ${hex(pos)}`);
  await headerInfo(s, b);
  await ftraceEvents(s, b);
  await eventFormats(s, b);
  await kallsyms(s, b);
  await printk(s, b);
  await cmdlines(s, b);
  const cpus = await s.u32('CPU count');
  if (cpus > MAX_CPUS) s.fail(`${cpus} CPUs claimed`);
  b.cpuCount ??= cpus;
  const instances: Array<{ offset: number; name: string }> = [];
  let tagAt = s.pos;
  let tag = await s.cstring('section tag', 16);
  if (tag === 'options  ') {
    for (;;) {
      const id = await s.u16('option id');
      if (id === OPT.DONE) break;
      const size = await s.u32('option size');
      const optAt = s.pos;
      const data = new Cursor(await s.take(size, `option ${id}`), (pos) => `option ${id} at ${hex(optAt)}, byte ${pos}`);
      if (id === OPT.BUFFER) instances.push({ offset: data.u64('buffer offset'), name: data.cstring('instance name', 256) });
      else plainOption(b, id, data, size);
    }
    tagAt = s.pos;
    tag = await s.cstring('section tag', 16);
  }
  if (tag === 'latency  ') unsupported('the file holds a latency trace (text), not ring-buffer data: Pinscope reads flyrecord files', `byte ${hex(tagAt)}`);
  if (tag !== 'flyrecord') s.fail(`expected "flyrecord", found ${JSON.stringify(tag)}`);
  b.instances.push({ name: '', clock: '', compressed: false, pageSize, cpus: await flyrecord(s, cpus, source.size) });
  for (const instance of instances) {
    const t = new Stream(source, instance.offset, source.size, (pos) => `instance "${instance.name}", byte ${hex(pos)}`);
    let itag = await t.cstring('instance tag', 16);
    if (itag === 'options  ') {
      // An instance may carry its own options (its clock): skip them by size.
      for (let id = await t.u16('option id'); id !== OPT.DONE; id = await t.u16('option id')) await t.take(await t.u32('option size'), `option ${id}`);
      itag = await t.cstring('instance tag', 16);
    }
    if (itag !== 'flyrecord') t.fail(`expected "flyrecord" for instance "${instance.name}", found ${JSON.stringify(itag)}`);
    b.instances.push({ name: instance.name, clock: '', compressed: false, pageSize, cpus: await flyrecord(t, cpus, source.size) });
  }
}

async function flyrecord(s: Stream, cpus: number, fileSize: number): Promise<CpuData[]> {
  const out: CpuData[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const offset = await s.u64('CPU data offset');
    const size = await s.u64('CPU data size');
    if (offset + size > fileSize) s.fail(`CPU ${cpu}: ${size} bytes at ${hex(offset)} run past the end of the file`, s.pos - 16);
    out.push({ cpu, offset, size });
  }
  return out;
}
