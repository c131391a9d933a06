/**
 * Starts the local Secrets Manager endpoint (`secret-refs/testing`, a dev-only subpath) seeded with
 * `examples/demo-secrets.json`, so that the examples and the demo run with no AWS account. The file is in the
 * endpoint's seed format (docs/local-endpoint.md), the same one its command line reads.
 */
import { readFile } from 'node:fs/promises';
import {
  type LocalSecretsManager,
  type LocalSecretsManagerOptions,
  parseSeedFile,
  startLocalSecretsManager,
} from 'secret-refs/testing';

/** A demo secret with its value as the file gives it: a JSON object, or plain text. */
export interface DemoSecret {
  name: string;
  description?: string;
  value: unknown;
}

/** The seed file, parsed by the endpoint's own reader. */
export async function readDemoSeed(): Promise<LocalSecretsManagerOptions> {
  return parseSeedFile(await readFile(new URL('./demo-secrets.json', import.meta.url), 'utf8'));
}

/** The demo secrets; a JSON object value is given back parsed. */
export async function readDemoSecrets(): Promise<DemoSecret[]> {
  return ((await readDemoSeed()).secrets ?? []).map((secret) => {
    const text = secret.secretString ?? '';
    return {
      name: secret.name,
      ...(secret.description === undefined ? {} : { description: secret.description }),
      value: text.startsWith('{') ? JSON.parse(text) : text,
    };
  });
}

/** A local endpoint in `us-east-1` holding the demo secrets; `close()` it when done. */
export async function startDemoEndpoint(): Promise<LocalSecretsManager> {
  return startLocalSecretsManager({ ...(await readDemoSeed()), region: 'us-east-1' });
}
