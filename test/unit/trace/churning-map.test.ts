// The reconstructor's table of calls waiting to be looked at again: a map by
// call index that stays exact while entries come and go by the hundred thousand.
import assert from 'node:assert/strict';
import { ChurningMap } from '../../../extension/trace/churning-map';

describe('ChurningMap', () => {
  it('holds what was set, forgets what was deleted or cleared, across a stream of keys', () => {
    const map = new ChurningMap<{ index: number }>();
    const live = new Set<number>();
    // Seven entries live at a time, like the bench's seven tasks, over keys up to 300,000.
    for (let i = 0; i < 300_000; i++) {
      map.set(i, { index: i });
      live.add(i);
      if (i >= 7) {
        map.delete(i - 7);
        live.delete(i - 7);
      }
    }
    for (const i of [0, 1, 6, 150_000, 299_992]) assert.equal(map.get(i), undefined, `key ${i} was deleted`);
    for (const i of live) assert.deepEqual(map.get(i), { index: i });
    map.set(5, { index: 5 });
    map.set(5, { index: 55 });
    assert.deepEqual(map.get(5), { index: 55 }, 'a second set replaces the value');
    map.clear();
    for (const i of [5, ...live]) assert.equal(map.get(i), undefined, `key ${i} was cleared`);
  });
});
