import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveAwsConfig } from '../../src/provider/aws/config.js';
import { createRegionClients, MAX_REGION_CLIENTS } from '../../src/provider/aws/region-clients.js';
import { createSsmTransport } from '../../src/provider/aws/ssm/ssm-transport.js';

const ssmMock = mockClient(SSMClient);
const KEYS = { accessKeyId: 'AKIAREGIONTEST000002', secretAccessKey: 'region/test/secret' };

/** `us-aaa-1`, `us-aab-1`, …: made up, but shaped like regions of the `aws` partition. */
function madeUpRegion(index: number): string {
  let letters = '';
  for (let rest = index, digit = 0; digit < 3; digit += 1, rest = Math.floor(rest / 26)) {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
  }
  return `us-${letters}-1`;
}

const arnIn = (region: string): string => `arn:aws:ssm:${region}:123456789012:parameter/app/url`;

describe('Parameter Store clients share the bounded per-region cache', () => {
  beforeEach(() => {
    ssmMock.reset();
    ssmMock.on(GetParametersCommand).resolves({ Parameters: [], InvalidParameters: [] });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('parameters of 200 made-up regions leave at most 2 × 16 clients, the rest destroyed', async () => {
    const destroyed = vi.spyOn(SSMClient.prototype, 'destroy');
    const transport = createSsmTransport(resolveAwsConfig({ region: 'us-east-1', ...KEYS }), 'test');
    for (let index = 0; index < 200; index += 1) {
      const name = arnIn(madeUpRegion(index));
      await transport.getParameters(transport.regionFor(name), { Names: [name] });
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(destroyed.mock.calls.length).toBeGreaterThanOrEqual(200 - 2 * MAX_REGION_CLIENTS);
    expect(ssmMock.commandCalls(GetParametersCommand)).toHaveLength(200);
  });

  it('an evicted client is destroyed only once its call in flight has ended', async () => {
    const destroyed = vi.spyOn(SSMClient.prototype, 'destroy');
    let release: () => void = () => undefined;
    ssmMock.on(GetParametersCommand, { Names: [arnIn('us-slow-1')] }).callsFake(
      () =>
        new Promise((resolve) => {
          release = () => resolve({ Parameters: [], InvalidParameters: [arnIn('us-slow-1')] });
        }),
    );
    const transport = createSsmTransport(resolveAwsConfig({ region: 'us-east-1', ...KEYS }), 'test');
    const slow = transport.getParameters('us-slow-1', { Names: [arnIn('us-slow-1')] });
    await new Promise((resolve) => setTimeout(resolve, 10));

    for (let index = 0; index < 4 * MAX_REGION_CLIENTS; index += 1) {
      const name = arnIn(madeUpRegion(index));
      await transport.getParameters(transport.regionFor(name), { Names: [name] });
    }
    const destroyedBefore = destroyed.mock.calls.length;
    release();
    const answer = await slow;
    await new Promise((resolve) => setImmediate(resolve));

    expect(answer.InvalidParameters).toEqual([arnIn('us-slow-1')]);
    expect(destroyed.mock.calls.length).toBe(destroyedBefore + 1);
  });
});

describe('createRegionClients', () => {
  it('builds one client per region, and forgets one whose construction failed so the next call tries again', async () => {
    const built: string[] = [];
    let fail = true;
    const clients = createRegionClients(async (region) => {
      built.push(region);
      if (fail) throw new Error('no SDK');
      return { region, destroy: () => undefined };
    });
    await expect(clients.use('eu-west-1', async (client) => client.region)).rejects.toThrow('no SDK');
    await new Promise((resolve) => setImmediate(resolve));
    expect(clients.size()).toBe(0);
    fail = false;
    expect(await clients.use('eu-west-1', async (client) => client.region)).toBe('eu-west-1');
    expect(await clients.use('eu-west-1', async (client) => client.region)).toBe('eu-west-1');
    expect(built).toEqual(['eu-west-1', 'eu-west-1']);
    expect(clients.get('eu-west-1').used).toBe(true);
    expect(clients.get('us-east-1').used).toBe(false);
  });
});
