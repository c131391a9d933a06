import { describe, expect, it } from 'vitest';
import { deliverProps } from '../../examples/activepieces-piece/engine-props.js';

// What the Activepieces engine does to a step's props before a piece runs, as read in its source
// (packages/server/engine/src/lib/variables/props-resolver/props-resolver.ts and token-resolver.ts; see
// examples/activepieces-piece/engine-props.ts). The piece's tests hand it props through this function.

const steps = {
  trigger: { body: { orderId: 42, tags: ['a', 'b'] } },
  step_1: {
    body: { password: '{{resolve:secretsmanager:prod/db:SecretString:password}}' },
    ref: '{{c1|ap_sep_v1|prod/api:token}}',
  },
};

describe('the engine evaluates every {{…}} in a prop', () => {
  it('turns a braced secret reference, whole or embedded, into empty text', () => {
    expect(
      deliverProps({
        cloudFormation: '{{resolve:secretsmanager:prod/api:SecretString:token}}',
        activepieces: '{{conn1|ap_sep_v1|prod/api:token}}',
        bearer: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}',
        dsn: 'postgres://app:{{conn1|ap_sep_v1|prod/db:password}}@db:5432/app',
        spaced: '{{ resolve:secretsmanager:prod/api }}',
      }),
    ).toEqual({
      cloudFormation: '',
      activepieces: '',
      bearer: 'Bearer ',
      dsn: 'postgres://app:@db:5432/app',
      spaced: '',
    });
  });

  it('reaches every string at any depth, in objects and arrays, whatever the prop type', () => {
    expect(
      deliverProps({
        headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' },
        list: ['{{resolve:secretsmanager:prod/api}}', ['x {{conn1|ap_sep_v1|prod/api:k}}']],
        json: '{"password": "{{resolve:secretsmanager:prod/db:SecretString:password}}"}',
        count: 3,
        flag: true,
        none: null,
      }),
    ).toEqual({
      headers: { Authorization: 'Bearer ' },
      list: ['', ['x ']],
      json: '{"password": ""}',
      count: 3,
      flag: true,
      none: null,
    });
  });

  it('leaves the bare form and full ARNs alone: they hold no {{', () => {
    const props = {
      bare: 'prod/api:token',
      staged: 'prod/db:password:AWSPREVIOUS',
      arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::',
      unclosed: 'text {{ with no end',
    };

    expect(deliverProps(props)).toEqual(props);
  });

  it('gives a whole token its value of any type, and JSON-encodes a non-string one inside text', () => {
    expect(
      deliverProps(
        {
          id: '{{trigger.body.orderId}}',
          tags: '{{trigger.body.tags}}',
          text: 'Order {{trigger.body.orderId}} ({{trigger.body.tags}})',
          missing: '{{step_9.output}}',
          absent: '{{trigger.body.nothing}}',
        },
        steps,
      ),
    ).toEqual({ id: 42, tags: ['a', 'b'], text: 'Order 42 (["a","b"])', missing: '', absent: '' });
  });

  it('does not evaluate again the {{…}} inside a value that a token gave', () => {
    expect(deliverProps({ value: '{{step_1.body}}', ref: '{{step_1.ref}}' }, steps)).toEqual({
      value: { password: '{{resolve:secretsmanager:prod/db:SecretString:password}}' },
      ref: '{{c1|ap_sep_v1|prod/api:token}}',
    });
  });

  it('never changes the props it was given', () => {
    const props = { headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' } };

    deliverProps(props);

    expect(props).toEqual({ headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' } });
  });
});
