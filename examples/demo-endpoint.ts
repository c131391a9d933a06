/**
 * Starts the repository's local Secrets Manager endpoint (a dev tool, not part of the package) seeded with
 * `examples/demo-secrets.json`, so that the examples and the demo run with no AWS account.
 */
import { readFile } from 'node:fs/promises';
import { type LocalSecretsManager, startLocalSecretsManager } from '../test/support/local-endpoint/index.js';

interface DemoSecret {
  name: string;
  description?: string;
  value: unknown;
}

/** The demo secrets: a JSON value is stored as its JSON text, as the AWS console does. */
export async function readDemoSecrets(): Promise<DemoSecret[]> {
  const url = new URL('./demo-secrets.json', import.meta.url);
  return JSON.parse(await readFile(url, 'utf8')) as DemoSecret[];
}

/** A local endpoint in `us-east-1` holding the demo secrets; `close()` it when done. */
export async function startDemoEndpoint(): Promise<LocalSecretsManager> {
  const secrets = (await readDemoSecrets()).map((secret) => ({
    name: secret.name,
    ...(secret.description === undefined ? {} : { description: secret.description }),
    secretString: typeof secret.value === 'string' ? secret.value : JSON.stringify(secret.value),
  }));
  return startLocalSecretsManager({ region: 'us-east-1', secrets });
}
