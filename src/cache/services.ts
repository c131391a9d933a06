import { SecretRefError } from '../errors.js';
import type { ReferenceService, SecretLocator, SecretProvider } from '../types.js';
import type { FlightOutcome } from './store.js';

const DEFAULT_SERVICES: readonly ReferenceService[] = ['secretsmanager'];

/**
 * The reference services a provider serves (`SecretProvider.services`, default Secrets Manager only). Read once:
 * a provider that lists something other than an array of strings serves only the default.
 */
export function servedServices(provider: SecretProvider): ReadonlySet<string> {
  let services: unknown;
  try {
    // A custom provider's property is not trusted: a throwing getter or a wrong type means the default.
    services = provider.services;
  } catch {}
  return new Set(Array.isArray(services) ? services.filter((s) => typeof s === 'string') : DEFAULT_SERVICES);
}

/** The `unsupported_reference` outcome of a reference to a service its manager does not serve. */
export function unservedOutcome(provider: SecretProvider, locator: SecretLocator): FlightOutcome {
  const service = locator.service ?? 'secretsmanager';
  const served = [...servedServices(provider)].map((s) => `"${s}"`).join(', ') || 'none';
  return {
    ok: false,
    error: new SecretRefError(
      'unsupported_reference',
      `Unsupported secret reference: the ${provider.kind} provider does not serve "${service}" references ` +
        `(it serves ${served}); ${JSON.stringify(locator.secretId)} was not fetched`,
      { ref: locator.secretId },
    ),
  };
}
