import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteControlStore, SQLITE_MEMORY } from '@slipway/store';
import { LeaseKeeper } from './lease-keeper.js';

describe('LeaseKeeper', () => {
  let store: SqliteControlStore;
  let takes: number;
  let counted: { acquireLease: SqliteControlStore['acquireLease'] };

  beforeEach(async () => {
    store = await SqliteControlStore.open(SQLITE_MEMORY);
    takes = 0;
    counted = {
      acquireLease: (...args) => {
        takes++;
        return store.acquireLease(...args);
      },
    };
  });
  afterEach(() => store.close());

  it('renews in the store only once half of the lease has passed', async () => {
    const keeper = new LeaseKeeper(counted, 'loop', 'a');
    expect(await keeper.hold(0, 1000)).toBe(true);
    expect(await keeper.hold(100, 1000)).toBe(true);
    expect(await keeper.hold(499, 1000)).toBe(true);
    expect(takes).toBe(1);
    expect(await keeper.hold(500, 1000)).toBe(true);
    expect(takes).toBe(2);
    // Renewed at 500 for 1000 ms: another replica cannot take it before 1500.
    expect(await store.acquireLease('loop', 'b', 2400, 1400)).toBe(false);
    expect(await store.acquireLease('loop', 'b', 2500, 1500)).toBe(true);
  });

  it('asks the store on every pass while another replica holds the lease', async () => {
    expect(await store.acquireLease('loop', 'b', 1000, 0)).toBe(true);
    const keeper = new LeaseKeeper(counted, 'loop', 'a');
    expect(await keeper.hold(10, 1000)).toBe(false);
    expect(await keeper.hold(20, 1000)).toBe(false);
    expect(takes).toBe(2);
    expect(await keeper.hold(1000, 1000)).toBe(true);
  });
});
