/**
 * Using an `endpoint`: LocalStack, a VPC endpoint, or any Secrets Manager-compatible server.
 *
 * With LocalStack running (`localstack start`) and a secret created in it:
 *   awslocal secretsmanager create-secret --name demo/orders-db \
 *     --secret-string '{"host":"orders-db.internal.example","password":"demo-Pa55word-not-real"}'
 *   LOCALSTACK_ENDPOINT=http://localhost:4566 npx tsx examples/localstack.ts
 * Without LOCALSTACK_ENDPOINT it starts the repository's local stand-in instead, so it always runs.
 *
 * It imports the package by name, as your code does (this repository maps 'secret-refs' to its `src/`).
 */
import { createAwsSecretsManager, resolveConnection } from 'secret-refs';
import { startDemoEndpoint } from './demo-endpoint.js';

const external = process.env.LOCALSTACK_ENDPOINT;
const local = external === undefined ? await startDemoEndpoint() : undefined;
try {
  const manager = createAwsSecretsManager({
    region: local?.region ?? process.env.AWS_REGION ?? 'us-east-1',
    // LocalStack accepts any keys; `test` / `test` is its convention.
    accessKeyId: local?.credentials.accessKeyId ?? 'test',
    secretAccessKey: local?.credentials.secretAccessKey ?? 'test',
    endpoint: external ?? local?.endpoint,
    maxAttempts: 2,
    requestTimeoutMs: 2_000,
  });

  const check = await manager.testConnection();
  if (!check.ok) throw new Error(`cannot reach ${external ?? 'the local endpoint'}: ${check.code}`);
  console.log(`testConnection → ok in ${Math.round(check.latencyMs)} ms`);

  const names: string[] = [];
  for await (const secret of manager.listSecrets({ prefix: 'demo/' })) names.push(secret.name);
  console.log(`listSecrets({ prefix: 'demo/' }) → ${names.join(', ')}`);
  console.log(
    `listJsonKeys('demo/orders-db') → ${(await manager.listJsonKeys('demo/orders-db')).join(', ')}`,
  );

  const { host } = await resolveConnection(
    { host: '{{resolve:secretsmanager:demo/orders-db:SecretString:host}}' },
    manager,
  );
  console.log(`resolveConnection → host ${host}`);
} finally {
  await local?.close();
}
