/**
 * A custom Activepieces piece built on secret-refs: an AWS Secrets Manager connection, an action that checks the
 * secret references of a JSON value, and an action that sends an HTTP request with secret headers.
 *
 * Build it inside an Activepieces checkout (`npm run create-piece`, then copy these files into the piece's
 * `src/`), with `secret-refs` and `@aws-sdk/client-secrets-manager` as dependencies. These sources import the
 * library from this repository's `src/`; in a real piece, import from 'secret-refs'.
 *
 * Run it without Activepieces: `npx tsx examples/activepieces-piece/run.ts` (local endpoints, no AWS account).
 * `run-action.ts` drives an action with the framework's mock context; use it in the piece's own unit tests.
 */
import { createPiece } from '@activepieces/pieces-framework';
import { checkReferences } from './actions/check-references.js';
import { sendRequest } from './actions/send-request.js';
import { awsSecretsAuth } from './auth.js';

export const awsSecretRefs = createPiece({
  displayName: 'AWS Secrets (secret-refs)',
  description: 'Resolve and check AWS Secrets Manager references in connections and requests.',
  logoUrl: 'https://cdn.activepieces.com/pieces/amazon-secrets-manager.png',
  authors: ['secret-refs'],
  minimumSupportedRelease: '0.30.0',
  auth: awsSecretsAuth,
  actions: [checkReferences, sendRequest],
  triggers: [],
});
