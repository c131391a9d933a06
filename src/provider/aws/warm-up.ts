import { Readable } from 'node:stream';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type Sdk = typeof import('@aws-sdk/client-secrets-manager');
type Stack = SecretsManagerClient['middlewareStack'];

/** The name of the innermost middleware that answers a dry run in place of the HTTP handler. */
const DRY_RUN_MIDDLEWARE = 'secretRefsWarmUpAnswer';

/** A placeholder secret id: the dry run's request is built, signed and dropped, never sent. */
const PLACEHOLDER_ID = 'secret-refs-warm-up';

/** A placeholder entry of the shape of a real answer's, so that the deserialiser's paths for it are compiled. */
const ENTRY = {
  ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${PLACEHOLDER_ID}-AbCdEf`,
  Name: PLACEHOLDER_ID,
  VersionId: '00000000-0000-4000-8000-000000000000',
  SecretString: '',
  VersionStages: ['AWSCURRENT'],
  CreatedDate: 0,
};
const BATCH_ANSWER = JSON.stringify({ SecretValues: [ENTRY], Errors: [] });
const ONE_ANSWER = JSON.stringify(ENTRY);

/**
 * A 200 answer with `body`, as a Node stream like the HTTP handler's (so the SDK's stream collector is warmed too).
 * No `date` header, so the signer's clock-skew correction is left alone.
 */
function syntheticResponse(body: string): object {
  return {
    statusCode: 200,
    reason: 'OK',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': PLACEHOLDER_ID },
    body: Readable.from([Buffer.from(body)]),
  };
}

/** The part of an SDK command this module uses. */
interface Resolvable {
  resolveMiddleware(stack: Stack, config: SecretsManagerClient['config'], options: object): unknown;
}

/**
 * Runs `command` through a copy of the client's middleware stack whose innermost middleware answers with `body`
 * instead of calling the HTTP handler: serialisation, endpoint resolution, credential resolution, signing and
 * deserialisation run as in a real call, and nothing is sent. The client's own stack is left as it was, and its
 * `send` (which a mock such as aws-sdk-client-mock replaces) is not called.
 */
async function dryRun(client: SecretsManagerClient, command: Resolvable, body: string): Promise<void> {
  const stack = client.middlewareStack.clone();
  stack.add(() => async () => ({ response: syntheticResponse(body), output: {} as never }), {
    name: DRY_RUN_MIDDLEWARE,
    step: 'deserialize',
    priority: 'low',
  });
  const handler = command.resolveMiddleware(stack, client.config, {}) as (args: object) => Promise<unknown>;
  await handler(command);
}

/**
 * Warms a client the library built itself, so that its first real call does not pay for the SDK's one-time work
 * (the middleware stack's first resolution, the endpoint rules, credential resolution and the signer, the JSON
 * serde of these shapes): a dry run of `BatchGetSecretValue` (a first read of many secrets) and then of
 * `GetSecretValue` (a first read of one) that sends nothing. Also loads Node's `performance` global, which the
 * manager reads at each call and which Node builds at its first use. Never call it on an injected client: its
 * middleware may have side effects. `idle()` is checked before each dry run: once a real call has started, what
 * is left is skipped, so the warm-up does not compete with it. Never rejects; a failure (a credential provider
 * that throws, say) is dropped, and the first real call meets it again as it would have.
 */
export async function warmUpClient(
  sdk: Sdk,
  client: SecretsManagerClient,
  idle: () => boolean,
): Promise<void> {
  try {
    if (!idle()) return;
    performance.now();
    await dryRun(
      client,
      new sdk.BatchGetSecretValueCommand({ SecretIdList: [PLACEHOLDER_ID] }),
      BATCH_ANSWER,
    );
    if (!idle()) return;
    await dryRun(client, new sdk.GetSecretValueCommand({ SecretId: PLACEHOLDER_ID }), ONE_ANSWER);
  } catch {
    // A warm-up that fails changes nothing: the first real call does the same work and reports what it finds.
  }
}
