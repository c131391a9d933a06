/**
 * In your own unit tests: an in-memory provider behind the same manager, so code that calls
 * `resolveConnection` is tested without AWS, a network or mocks. Run: `npx tsx examples/memory.ts`.
 *
 * It imports the package by name, as your code does (this repository maps 'secret-refs' to its `src/`).
 */
import assert from 'node:assert/strict';
import {
  createMemoryProvider,
  createSecretManager,
  resolveConnection,
  SecretResolutionError,
} from 'secret-refs';

/** The code under test: builds a database URL from a stored connection. */
async function databaseUrl(connection: unknown, manager: Parameters<typeof resolveConnection>[1]) {
  const { props } = (await resolveConnection(connection, manager)) as { props: Record<string, string> };
  return `postgres://${props.user}:${props.password}@${props.host}/orders`;
}

const manager = createSecretManager(
  createMemoryProvider({
    'test/orders-db': JSON.stringify({ user: 'app', password: 'pw', host: 'localhost' }),
  }),
);

const connection = {
  props: {
    user: '{{resolve:secretsmanager:test/orders-db:SecretString:user}}',
    password: '{{resolve:secretsmanager:test/orders-db:SecretString:password}}',
    host: '{{resolve:secretsmanager:test/orders-db:SecretString:host}}',
  },
};
assert.equal(await databaseUrl(connection, manager), 'postgres://app:pw@localhost/orders');
assert.equal(manager.stats().apiCalls, 1, 'three keys of one secret cost one call');

// A missing key fails with every failing reference listed, by path.
const broken = {
  props: { ...connection.props, password: '{{resolve:secretsmanager:test/orders-db:SecretString:pass}}' },
};
const error = await databaseUrl(broken, manager).catch((caught: unknown) => caught);
assert.ok(error instanceof SecretResolutionError);
assert.deepEqual(
  error.issues.map((issue) => [issue.path.join('.'), issue.code]),
  [['props.password', 'json_key_not_found']],
);
console.log('memory provider: resolved a connection, and reported a missing key at props.password');
