import type { SecretRef } from '../types.js';

/** The reference without its manager id: the CLI has one manager, and it serves every reference. */
export function withoutManager(ref: SecretRef): SecretRef {
  const { manager: _manager, ...rest } = ref;
  return rest;
}
