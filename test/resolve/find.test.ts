import { describe, expect, it } from 'vitest';
import { SecretRefSyntaxError } from '../../src/errors.js';
import { findSecretRefs } from '../../src/resolve/find.js';

describe('findSecretRefs', () => {
  it('finds an Activepieces reference in custom auth props, whole, with its manager', () => {
    // Prepare
    const connection = {
      type: 'CUSTOM_AUTH',
      props: { apiKey: '{{conn1|ap_sep_v1|prod/api:key}}', region: 'eu' },
    };
    // Act
    const found = findSecretRefs(connection);
    // Assess
    expect(found).toEqual([
      {
        path: ['props', 'apiKey'],
        text: '{{conn1|ap_sep_v1|prod/api:key}}',
        start: 0,
        end: 32,
        whole: true,
        ref: { manager: 'conn1', secretId: 'prod/api', jsonKey: 'key' },
      },
    ]);
  });

  it('finds references embedded in a longer string, with offsets', () => {
    const url =
      'postgres://{{resolve:secretsmanager:db:SecretString:user}}:{{resolve:secretsmanager:db:SecretString:password}}@db:5432/app';
    const found = findSecretRefs({ database: { url } });
    expect(found.map(({ path, ref, whole }) => ({ path, ref, whole }))).toEqual([
      { path: ['database', 'url'], ref: { secretId: 'db', jsonKey: 'user' }, whole: false },
      { path: ['database', 'url'], ref: { secretId: 'db', jsonKey: 'password' }, whole: false },
    ]);
    for (const item of found) expect(url.slice(item.start, item.end)).toBe(item.text);
    expect(found[0]?.path).not.toBe(found[1]?.path);
  });

  it('gives array indexes as numbers in the path (header arrays)', () => {
    const connection = {
      headers: [
        { name: 'Accept', value: 'application/json' },
        { name: 'Authorization', value: 'Bearer {{resolve:secretsmanager:api:SecretString:token}}' },
      ],
    };
    expect(findSecretRefs(connection).map((item) => item.path)).toEqual([['headers', 1, 'value']]);
  });

  it('reports a malformed reference with its syntax error instead of a ref', () => {
    const [item, ...rest] = findSecretRefs({ props: { password: '{{resolve:secretsmanager:}}' } });
    expect(rest).toEqual([]);
    expect(item?.ref).toBeUndefined();
    expect(item?.error).toBeInstanceOf(SecretRefSyntaxError);
    expect(item).toMatchObject({
      path: ['props', 'password'],
      text: '{{resolve:secretsmanager:}}',
      whole: true,
    });
  });

  it('leaves automation templates alone, and reports other dynamic references as unsupported', () => {
    const value = {
      body: 'Hello {{trigger.name}}',
      next: '{{step_1.output}}',
      s3: '{{resolve:s3:/param}}',
    };
    const found = findSecretRefs(value);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: ['s3'], error: { code: 'unsupported_reference' } });
  });

  it('searches a root string and returns nothing for values without strings', () => {
    expect(findSecretRefs('{{resolve:secretsmanager:token}}')).toMatchObject([
      { path: [], whole: true, ref: { secretId: 'token' } },
    ]);
    expect(findSecretRefs(42)).toEqual([]);
    expect(findSecretRefs(null)).toEqual([]);
    expect(findSecretRefs(undefined)).toEqual([]);
  });

  it('does not search object keys, Maps or class instances', () => {
    class Settings {
      token = '{{resolve:secretsmanager:token}}';
    }
    const value = {
      '{{resolve:secretsmanager:key}}': 'plain',
      map: new Map([['token', '{{resolve:secretsmanager:token}}']]),
      settings: new Settings(),
    };
    expect(findSecretRefs(value)).toEqual([]);
  });

  it('honours maxDepth', () => {
    const value = { a: { b: { c: '{{resolve:secretsmanager:x}}' } } };
    expect(findSecretRefs(value, { maxDepth: 3 })).toHaveLength(1);
    expect(() => findSecretRefs(value, { maxDepth: 2 })).toThrow(/nests deeper than 2 levels at a\.b/);
  });
});
