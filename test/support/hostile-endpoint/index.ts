/**
 * A Secrets Manager endpoint for tests that answers whatever its handler says — the answers a provider must not
 * trust: any order, other accounts' entries, repeated tokens, wrong JSON types, slow and trickled bodies.
 */
export { arnOf, awsError, requestedIds, type SecretPlace, secretEntry } from './answers.js';
export { forwardTo } from './forward.js';
export { startHostileEndpoint } from './server.js';
export type {
  HostileAnswer,
  HostileEndpoint,
  HostileHandler,
  HostileRequest,
  HostileResponseRecord,
} from './types.js';
export { useHostileEndpoint } from './use-hostile-endpoint.js';
