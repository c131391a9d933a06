import { describe, expect, it } from 'vitest';
import { isCommonAuthError } from '../../src/rotation/auth-error.js';

describe('isCommonAuthError', () => {
  it.each([
    ['pg invalid_password', { code: '28P01' }],
    ['pg invalid_authorization_specification', { code: '28000' }],
    ['mysql2', { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 }],
    ['mysql errno only', { errno: 1045 }],
    ['tedious', { code: 'ELOGIN' }],
    ['SQL Server number', { number: 18456 }],
    ['MongoDB', { code: 18, codeName: 'AuthenticationFailed' }],
    ['Redis', new Error('WRONGPASS invalid username-password pair or user is disabled.')],
    ['HTTP status', { status: 401 }],
    ['HTTP statusCode', { statusCode: 401 }],
    ['HTTP response.status', { response: { status: 401 } }],
  ])('recognises %s', (_label, error) => {
    expect(isCommonAuthError(error)).toBe(true);
  });

  it.each([
    ['another pg error', { code: '42P01' }],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['HTTP 403', { status: 403 }],
    ['a number 18 that is not a code', { errno: 18 }],
    ['a message merely mentioning a password', new Error('password authentication failed')],
    ['null', null],
    ['a string', '28P01'],
    ['undefined', undefined],
  ])('does not take %s for a login failure', (_label, error) => {
    expect(isCommonAuthError(error)).toBe(false);
  });

  it('reads a throwing field as absent', () => {
    const error = {
      get code(): never {
        throw new Error('boom');
      },
      status: 401,
    };
    expect(isCommonAuthError(error)).toBe(true);
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(isCommonAuthError(proxy)).toBe(false);
  });
});
