import { describe, expect, it } from 'vitest';
import { checkedListing } from '../../src/provider/answer.js';
import type { SecretProvider } from '../../src/types.js';

const provider = { kind: 'custom', identity: 'custom:listing' } as SecretProvider;

async function read(listing: unknown): Promise<unknown[]> {
  const seen: unknown[] = [];
  for await (const entry of checkedListing(listing, provider)) seen.push(entry);
  return seen;
}

describe("a provider's listing, checked as it is read", () => {
  it('passes entries with a string name through', async () => {
    const listing = (async function* () {
      yield { name: 'db', arn: 'arn:db' };
    })();
    expect(await read(listing)).toEqual([{ name: 'db', arn: 'arn:db' }]);
  });

  it.each([
    ['an object that is not async-iterable', {}],
    ['null', null],
    ['an array', [{ name: 'db' }]],
  ])('a listing that is %s is a provider_error, not a crash', async (_, listing) => {
    await expect(read(listing)).rejects.toMatchObject({
      code: 'provider_error',
      message: expect.stringContaining('did not return an async iterable'),
    });
  });

  it('a listing whose properties cannot even be asked about (a Proxy that throws) is a provider_error', async () => {
    const hostile = new Proxy(
      {},
      {
        has() {
          throw new Error('trap');
        },
      },
    );
    await expect(read(hostile)).rejects.toMatchObject({
      code: 'provider_error',
      message: expect.stringContaining('its listing cannot be read'),
    });
  });

  it('an entry whose name getter throws ends the listing with a provider_error', async () => {
    const listing = (async function* () {
      yield {
        get name(): string {
          throw new Error('getter');
        },
      };
    })();
    await expect(read(listing)).rejects.toMatchObject({ code: 'provider_error' });
  });
});
