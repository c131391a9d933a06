import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('the public API', () => {
  it('exports exactly the documented names', () => {
    // Prepare / Act
    const names = Object.keys(api).sort();

    // Assess: a new or removed export must be a deliberate change (README, CHANGELOG, this list).
    expect(names).toEqual([
      'DEFAULT_CACHE_OPTIONS',
      'SecretFetchError',
      'SecretRefAbortError',
      'SecretRefConfigError',
      'SecretRefError',
      'SecretRefSyntaxError',
      'SecretResolutionError',
      'compileConnection',
      'createAwsProvider',
      'createAwsSecretsManager',
      'createManagerRegistry',
      'createMasker',
      'createMemoryProvider',
      'createSecretCache',
      'createSecretManager',
      'findSecretRefs',
      'formatIssues',
      'formatPath',
      'formatSecretRef',
      'invalidateFromEventBridge',
      'isCommonAuthError',
      'parseSecretRef',
      'readJsonKey',
      'resolveConnection',
      'resolveConnectionSettled',
      'scanSecretRefs',
      'withConnection',
    ]);
  });

  it('makes every error class a SecretRefError with a snake_case code', () => {
    const errors = [
      new api.SecretRefSyntaxError('x', 0, 'why'),
      new api.SecretRefConfigError('region', 'bad'),
      new api.SecretFetchError('secret_not_found', 'missing'),
      new api.SecretRefAbortError(),
      new api.SecretResolutionError([]),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(api.SecretRefError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
    expect(new api.SecretRefAbortError().name).toBe('AbortError');
  });
});
