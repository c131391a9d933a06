/**
 * The few lines a newcomer copies: one manager for the process, `resolveConnection` before each use of a stored
 * connection, and a masker for anything that gets logged. `npm run demo` prints the lines between the `copy` marks
 * and runs them; run this file alone with `npx tsx examples/quick-start.ts` (a local endpoint, no AWS account).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createAwsSecretsManager, createMasker, resolveConnection, type SecretManager } from 'secret-refs';
import { startDemoEndpoint } from './demo-endpoint.js';

/** Where the manager reads: against AWS, a region and credentials; here, the local endpoint too. */
export interface QuickStartSettings {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  endpoint: string;
}

/**
 * Resolves the props of a connection shaped like examples/connection.json and prints them masked, then the number
 * of AWS calls it took.
 * @example
 *   const manager = await quickStart(settings, JSON.parse(await readFile('examples/connection.json', 'utf8')));
 */
export async function quickStart(
  settings: QuickStartSettings,
  connection: { value: { props: { password: string } & Record<string, string> } },
): Promise<SecretManager> {
  const { region, accessKeyId, secretAccessKey, endpoint } = settings;
  // copy from here
  const manager = createAwsSecretsManager({ region, accessKeyId, secretAccessKey, endpoint });
  const db = await resolveConnection(connection.value.props, manager);
  // db.password is the real password now: give it to the database driver, and only masked values to a log.
  const masker = createMasker([db.password]);
  console.log(JSON.stringify(masker.maskValue(db), null, 2));
  console.log(`${manager.stats().apiCalls} API call for every secret of the connection`);
  // copy to here
  return manager;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const local = await startDemoEndpoint();
  try {
    const connection = JSON.parse(await readFile(new URL('./connection.json', import.meta.url), 'utf8'));
    await quickStart({ region: local.region, ...local.credentials, endpoint: local.endpoint }, connection);
  } finally {
    await local.close();
  }
}
