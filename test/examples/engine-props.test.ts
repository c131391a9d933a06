import { Property } from '@activepieces/pieces-framework';
import { describe, expect, it, vi } from 'vitest';
import { checkReferences } from '../../examples/activepieces-piece/actions/check-references.js';
import { sendRequest } from '../../examples/activepieces-piece/actions/send-request.js';
import { processProps } from '../../examples/activepieces-piece/engine-processors.js';
import {
  deliverProps,
  EngineValidationError,
  resolveProps,
  type SandboxMode,
} from '../../examples/activepieces-piece/engine-props.js';

vi.mock('secret-refs', () => import('../../src/index.js'));

// What the Activepieces engine delivers to the piece's `run`, case by case, as read in its source (the files and
// commits are listed at the top of examples/activepieces-piece/engine-props.ts). The piece's tests hand it props
// through this imitation, so each case here is a claim about the engine.

const connection = {
  type: 'CUSTOM_AUTH',
  props: { region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'key', endpoint: '' },
};
const API = 'https://api.example.com';
const modes: SandboxMode[] = ['unsandboxed', 'isolate'];

function sendProps(typed: Record<string, unknown>, steps: Record<string, unknown> = {}, mode?: SandboxMode) {
  return deliverProps(sendRequest.props, { method: 'GET', ...typed }, connection, {
    steps,
    ...(mode ? { mode } : {}),
  }).propsValue;
}

describe.each(modes)('the engine, in %s mode', (mode) => {
  it('passes a bare reference and a full ARN untouched: they hold no {{', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf:password::';
    const props = sendProps(
      {
        url: API,
        secretHeaders: [
          { name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' },
          { name: 'X-Db', reference: arn },
        ],
      },
      {},
      mode,
    );

    expect(props.secretHeaders).toEqual([
      { name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' },
      { name: 'X-Db', reference: arn },
    ]);
  });

  it('empties a braced reference typed into a text prop: a required one to empty text, an optional one to nothing', () => {
    const props = sendProps(
      {
        url: API,
        secretHeaders: [
          {
            name: 'Authorization',
            scheme: '{{resolve:secretsmanager:prod/api:SecretString:scheme}}',
            reference: '{{resolve:secretsmanager:prod/api:SecretString:token}}',
          },
        ],
      },
      {},
      mode,
    );

    expect(props.secretHeaders).toEqual([{ name: 'Authorization', scheme: undefined, reference: '' }]);
  });

  it('empties a braced reference in a headers map, whole or after a scheme', () => {
    const props = sendProps(
      {
        url: API,
        headers: {
          Authorization: 'Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}',
          'X-Key': '{{conn1|ap_sep_v1|prod/api:key}}',
        },
      },
      {},
      mode,
    );

    expect(props.headers).toEqual({ Authorization: 'Bearer ', 'X-Key': '' });
  });

  it('empties a braced reference in References and leaves the bare ones', () => {
    const { propsValue } = deliverProps(
      checkReferences.props,
      {
        references: [
          '{{resolve:secretsmanager:prod/api}}',
          'prod/db:password',
          '{{c1|ap_sep_v1|prod/db:user}}',
        ],
      },
      connection,
      { mode },
    );

    expect(propsValue.references).toEqual(['', 'prod/db:password', '']);
  });

  it('delivers the braced references inside a mapped step output as they are: a value a token gave is not searched again', () => {
    const body = {
      password: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
      key: '{{c1|ap_sep_v1|prod/api:token}}',
    };
    const { propsValue } = deliverProps(
      checkReferences.props,
      { value: '{{step_1.output.body}}' },
      connection,
      { mode, steps: { step_1: { status: 200, body } } },
    );

    expect(propsValue.value).toEqual(body);
  });

  it('gives nothing for {{step_1.body}}: each earlier step is { output, error }, so the output is under .output', () => {
    const steps = { step_1: { body: { password: '{{resolve:secretsmanager:prod/db}}' } } };
    const { propsValue } = deliverProps(checkReferences.props, { value: '{{step_1.body}}' }, connection, {
      mode,
      steps,
    });

    expect(Object.hasOwn(propsValue, 'value')).toBe(true);
    expect(propsValue.value).toBeUndefined();
    expect(resolveProps({ whole: '{{step_1}}', error: '{{step_1.error}}' }, { mode, steps })).toEqual({
      whole: { output: steps.step_1 },
      error: '',
    });
  });

  it('empties a reference inside a URL, leaving its slashes', () => {
    const props = sendProps(
      { url: `${API}/v1/{{resolve:secretsmanager:prod/api:SecretString:account}}/charges` },
      {},
      mode,
    );

    expect(props.url).toBe(`${API}/v1//charges`);
  });

  it('fills an automation template inside a URL from the trigger output, and empties one that names no data', () => {
    const steps = { trigger: { body: { orderId: 42 } } };

    expect(sendProps({ url: `${API}/orders/{{trigger.output.body.orderId}}` }, steps, mode).url).toBe(
      `${API}/orders/42`,
    );
    expect(sendProps({ url: `${API}/orders/{{trigger.body.orderId}}` }, steps, mode).url).toBe(
      `${API}/orders/`,
    );
  });

  it('turns an emptied JSON prop into undefined, keeping its key', () => {
    const props = sendProps(
      { url: API, body: '{{resolve:secretsmanager:prod/api}}', query: '{{step_9.output}}' },
      {},
      mode,
    );

    expect(Object.hasOwn(props, 'body')).toBe(true);
    expect(props.body).toBeUndefined();
    expect(Object.hasOwn(props, 'query')).toBe(true);
    expect(props.query).toBeUndefined();
  });

  it('hands the connection as stored to context.auth and propsValue.auth, its {{…}} not evaluated', () => {
    const stored = { ...connection, props: { ...connection.props, region: '{{resolve:secretsmanager:x}}' } };
    const delivered = deliverProps(sendRequest.props, { url: API, method: 'GET' }, stored, { mode });

    expect(delivered.auth).toBe(stored);
    expect(delivered.propsValue.auth).toBe(stored);
    expect(delivered.auth.props.endpoint).toBe('');
  });
});

describe('the engine, where its two sandbox modes differ', () => {
  it('runs a token as an expression unsandboxed and as statements in the isolate, where resolve: is a label', () => {
    const steps = { step_1: { id: 7 } };
    const typed = { value: '{{resolve:secretsmanager:step_1}}' };

    expect(resolveProps(typed, { steps, mode: 'unsandboxed' })).toEqual({ value: '' });
    expect(resolveProps(typed, { steps, mode: 'isolate' })).toEqual({ value: { output: { id: 7 } } });
  });
});

describe('the engine, whatever the mode', () => {
  it('gives a whole token its value of any type, and JSON-encodes a non-string one inside text', () => {
    const steps = { trigger: { body: { orderId: 42, tags: ['a', 'b'] } } };

    expect(
      resolveProps(
        {
          id: '{{trigger.output.body.orderId}}',
          tags: '{{trigger.output.body.tags}}',
          text: 'Order {{trigger.output.body.orderId}} ({{ trigger.output.body.tags }})',
          script: '{{trigger.output.body.tags.join("+")}}',
          absent: '{{trigger.output.body.nothing}}',
        },
        { steps },
      ),
    ).toEqual({ id: 42, tags: ['a', 'b'], text: 'Order 42 (["a","b"])', script: 'a+b', absent: '' });
  });

  it('passes non-JSON text on as it is where the newer JSON processor is modelled', () => {
    const { propsValue } = deliverProps(
      sendRequest.props,
      { url: API, method: 'GET', body: '{"amount": {{resolve:secretsmanager:prod/api}}}' },
      connection,
      { jsonText: 'kept' },
    );

    expect(propsValue.body).toBe('{"amount": }');
  });

  it('fails the step before run when a validator rejects a prop', () => {
    const props = { payload: Property.Json({ displayName: 'Payload', required: true }) };

    expect(processProps({ payload: '' }, props).errors).toEqual({ payload: ['Expected JSON, received: '] });
    expect(() => deliverProps(checkReferences.props, { references: 'prod/api:token' }, connection)).toThrow(
      EngineValidationError,
    );
  });

  it('never changes the props it was given', () => {
    const typed = { headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' } };

    resolveProps(typed);

    expect(typed).toEqual({ headers: { Authorization: 'Bearer {{resolve:secretsmanager:prod/api}}' } });
  });
});
