import { describe, expect, it } from 'vitest';
import { BUNDLED_PRICES_AS_OF } from './bundled-prices.ts';
import { parseInstanceType } from './instance-type.ts';
import { PriceBook, parseMachineTypes } from './lyceum-prices.ts';

const live = new Map([['a100', 2], ['cpu', 0.5], ['gpu.h100', 4]]);

describe('PriceBook', () => {
  it('prices from /machine-types, per GPU, cached until the TTL passes', async () => {
    let now = 1_000_000;
    let fetches = 0;
    const book = new PriceBook(async () => (fetches++, live), 60_000, () => now);
    expect(await book.quote(parseInstanceType('a100'))).toEqual({ costPerHour: 2, source: 'live', asOf: new Date(1_000_000) });
    expect((await book.quote(parseInstanceType('a100.4x')))?.costPerHour).toBe(8);
    expect((await book.quote(parseInstanceType('cpu')))?.costPerHour).toBe(0.5);
    expect((await book.quote(parseInstanceType('run:gpu.a100')))?.costPerHour).toBe(2);
    expect((await book.quote(parseInstanceType('run:gpu.h100')))?.costPerHour).toBe(4);
    expect(fetches).toBe(1);
    now += 61_000;
    expect((await book.quote(parseInstanceType('a100')))?.asOf).toEqual(new Date(1_061_000));
    expect(fetches).toBe(2);
  });

  it('shares one fetch between concurrent callers', async () => {
    let fetches = 0;
    const book = new PriceBook(async () => {
      fetches++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return live;
    }, 60_000);
    await Promise.all([book.quote(parseInstanceType('a100')), book.quote(parseInstanceType('cpu')), book.quote(parseInstanceType('h100'))]);
    expect(fetches).toBe(1);
  });

  it('falls back to the bundled table, with its date, when the API fails, and backs off', async () => {
    let fetches = 0;
    const book = new PriceBook(async () => {
      fetches++;
      throw new Error('down');
    }, 60_000);
    const quote = await book.quote(parseInstanceType('h100.2x'));
    expect(quote).toEqual({ costPerHour: 5.58, spotCostPerHour: 2.200032, source: 'bundled', asOf: BUNDLED_PRICES_AS_OF });
    expect(await book.quote(parseInstanceType('cpu'))).toBeUndefined(); // no source for a cpu price
    expect(fetches).toBe(1);
  });

  it('falls back per profile when the live list lacks one', async () => {
    const book = new PriceBook(async () => live, 60_000);
    expect(await book.quote(parseInstanceType('l40s'))).toMatchObject({ source: 'bundled' });
  });

  it('reads machine types, coercing string prices and skipping junk', () => {
    expect(parseMachineTypes({ machine_types: [{ hardware_profile: 'A100', price_per_hour: '1.5' }, { hardware_profile: 'x', price_per_hour: 'n/a' }, {}], count: 3 })).toEqual(new Map([['a100', 1.5]]));
    expect(parseMachineTypes(undefined)).toEqual(new Map());
  });
});
