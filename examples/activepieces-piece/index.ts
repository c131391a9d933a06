/**
 * A custom Activepieces piece built on secret-refs: an AWS Secrets Manager connection, an action that checks secret
 * references, and an action that sends an HTTP request with secret headers.
 *
 * Designed for the engine as it is (engine-props.ts imitates it, with the engine files and commits it follows): every
 * `{{…}}` typed into a step prop is evaluated before the piece runs, over each earlier step as `{ output, error }`
 * (so step data is `{{step_1.output.…}}`, trigger data `{{trigger.output.…}}`), and one that gives nothing or fails
 * becomes `''`. So references are typed in the bare form (`prod/api:token`, or an ARN), which holds no `{{`; braced
 * references are read only from values the engine does not evaluate (a previous step's output mapped as
 * `{{step_1.output.body}}`); and every prop is checked for what an emptied `{{…}}` leaves (traces.ts) before a
 * secret is read or a request sent, failing the step with an error that names the prop.
 *
 * Build it as a private piece with `npm run build` in this folder (build.ts: `secret-refs` is bundled in, since it
 * is not on a registry; the framework and the AWS SDK stay dependencies), or copy these files
 * into a piece's `src/` (`npm run create-piece` in an Activepieces checkout). They import the library as
 * 'secret-refs' (this repository maps that name to its `src/` in tsconfig.json). `minimumSupportedRelease` is left
 * to the framework, which sets it to the oldest Activepieces release that runs its context version (0.82.0 for
 * framework 0.32).
 *
 * Run it without Activepieces or AWS: `npx tsx examples/activepieces-piece/run.ts`. `run-action.ts` drives an action
 * with the framework's mock context and props as the engine delivers them; use it in the piece's own unit tests.
 */
import { createPiece } from '@activepieces/pieces-framework';
import { checkReferences } from './actions/check-references.js';
import { sendRequest } from './actions/send-request.js';
import { awsSecretsAuth } from './auth.js';

/**
 * The piece: one connection type, two actions.
 * @example
 *   awsSecretRefs.metadata().minimumSupportedRelease; // '0.82.0', set by the framework
 */
export const awsSecretRefs = createPiece({
  displayName: 'AWS Secrets (secret-refs)',
  description: 'Check AWS Secrets Manager references and send requests with secret headers.',
  logoUrl: 'https://cdn.activepieces.com/pieces/amazon-secrets-manager.png',
  authors: ['secret-refs'],
  auth: awsSecretsAuth,
  actions: [checkReferences, sendRequest],
  triggers: [],
});
