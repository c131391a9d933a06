/**
 * Runs the piece outside Activepieces, the way a worker would: "Connect" (the auth's `validate`), then both actions
 * with their props as the engine delivers them (engine-props.ts), against the local stand-in for AWS Secrets
 * Manager and a local stand-in for a payments API.
 * Run: `npx tsx examples/activepieces-piece/run.ts` (no AWS account, no Activepieces install needed).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretRefError } from 'secret-refs';
import { startDemoEndpoint } from '../demo-endpoint.js';
import { checkReferences } from './actions/check-references.js';
import { sendRequest } from './actions/send-request.js';
import { awsSecretsAuth } from './auth.js';
import { resolveProps } from './engine-props.js';
import type { AwsSecretsAuthValue } from './manager.js';
import { runAction } from './run-action.js';

const local = await startDemoEndpoint();
let paymentsCalls = 0;
const paymentsApi = createServer((request, response) => {
  paymentsCalls += 1;
  const authorized = request.headers.authorization === 'Bearer sk_test_demo_0000000000000000';
  response.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ authorized }));
});
await new Promise<void>((resolve) => paymentsApi.listen(0, '127.0.0.1', resolve));

try {
  const auth: AwsSecretsAuthValue = {
    region: local.region,
    accessKeyId: local.credentials.accessKeyId,
    secretAccessKey: local.credentials.secretAccessKey,
    endpoint: local.endpoint,
  };
  const server = { apiUrl: 'http://localhost:3000', publicUrl: 'http://localhost:4200' };
  const url = `http://127.0.0.1:${(paymentsApi.address() as AddressInfo).port}/v1/charges`;

  const connect = await awsSecretsAuth.validate?.({ auth, server });
  console.log(`Connect → ${JSON.stringify(connect)}`);
  assert.deepEqual(connect, { valid: true });
  const wrongKey = await awsSecretsAuth.validate?.({ auth: { ...auth, secretAccessKey: 'typo' }, server });
  console.log(`Connect with a wrong secret key → ${JSON.stringify(wrongKey)}`);
  assert.equal(wrongKey?.valid, false);

  const typed = { Authorization: 'Bearer {{resolve:secretsmanager:demo/stripe}}' };
  console.log(`\nA braced reference typed into a prop: ${JSON.stringify(typed)}`);
  console.log(
    `  the engine delivers ${JSON.stringify(resolveProps(typed))}, and the step fails, saying why:`,
  );
  const refused = await runAction(sendRequest, auth, { url, method: 'POST', headers: typed }).catch(
    (error: unknown) => error,
  );
  assert.ok(refused instanceof SecretRefError && refused.code === 'invalid_input');
  console.log(`  ${refused.message.replaceAll('\n', '\n  ')}`);

  const unmapped = `${url}/{{trigger.body.orderId}}`; // without .output: the engine empties it
  console.log(`\nA URL mapping trigger data without .output: ${unmapped.replace(url, '…/v1/charges')}`);
  const emptiedUrl = await runAction(
    sendRequest,
    auth,
    {
      url: unmapped,
      method: 'POST',
      secretHeaders: [{ name: 'Authorization', scheme: 'Bearer', reference: 'demo/stripe' }],
    },
    { steps: { trigger: { body: { orderId: 42 } } } },
  ).catch((error: unknown) => error);
  assert.ok(emptiedUrl instanceof SecretRefError && emptiedUrl.code === 'invalid_input');
  assert.equal(paymentsCalls, 0);
  console.log(`  the step fails before anything is sent:\n  ${emptiedUrl.message.split('\n')[1]}`);

  const output = await runAction(
    sendRequest,
    auth,
    {
      url,
      method: 'POST',
      secretHeaders: [{ name: 'Authorization', scheme: 'Bearer', reference: 'demo/stripe' }],
      body: '{"amount":1200}',
      query: { order: '{{trigger.output.body.orderId}}' },
    },
    {
      steps: { trigger: { body: { orderId: 42 } } },
    },
  );
  console.log(
    `\nSend HTTP request, Secret headers: Authorization = Bearer + demo/stripe → ${JSON.stringify(output)}`,
  );
  assert.deepEqual(output, { status: 200, body: '{"authorized":true}' });

  for (const file of ['connection.json', 'broken-connection.json']) {
    const connection = JSON.parse(await readFile(new URL(`../${file}`, import.meta.url), 'utf8'));
    const report = (await runAction(
      checkReferences,
      auth,
      { references: ['demo/orders-db:password'], value: '{{step_1.output.body}}' },
      { steps: { step_1: { body: connection } } },
    )) as { total: number; failed: number; references: { at: string; ok: boolean; code?: string }[] };
    console.log(`\nCheck references: demo/orders-db:password and examples/${file} mapped from step_1`);
    console.log(`  → ${report.failed} of ${report.total} failed`);
    for (const { at, ok, code } of report.references) console.log(`  ${ok ? '✔' : `✖ ${code}`} at ${at}`);
    assert.equal(report.failed > 0, file.startsWith('broken'));
  }
} finally {
  paymentsApi.close();
  await local.close();
}
