import { describe, expect, it, vi } from 'vitest';
import { checkReferences } from '../../examples/activepieces-piece/actions/check-references.js';
import { runAction } from '../../examples/activepieces-piece/run-action.js';
import { CANARY, expectNoCanary } from '../support/canary.js';
import { failure, usePieceFixture } from './piece-fixture.js';

vi.mock('secret-refs', () => import('../../src/index.js'));

const fixture = usePieceFixture();

describe('check_references action', () => {
  it('checks bare references and the braced ones in a JSON value mapped from a step, without any value', async () => {
    const connection = {
      props: {
        user: '{{aws-prod|ap_sep_v1|prod/db:username}}',
        password: '{{resolve:secretsmanager:prod/db:SecretString:password}}',
        url: 'postgres://app:{{resolve:secretsmanager:prod/db:SecretString:pass}}@db/orders',
      },
      hooks: ['{{resolve:secretsmanager:prod/missing}}'],
      greeting: 'Order {{trigger.body.id}} received',
    };

    const output = await runAction(
      checkReferences,
      fixture.goodAuth(),
      {
        references: ['prod/api:token', 'prod/raw:key', `${CANARY} pasted here`],
        value: '{{step_1.output.body}}',
      },
      { steps: { step_1: { status: 200, body: connection } } },
    );

    expect(output).toMatchObject({
      ok: false,
      total: 7,
      failed: 4,
      references: [
        { at: 'References[0]', ref: 'prod/api:token', ok: true },
        { at: 'References[1]', ok: false, code: 'not_json' },
        { at: 'References[2]', ref: '', ok: false, code: 'invalid_reference' },
        { at: 'JSON value.props.user', ok: true },
        { at: 'JSON value.props.password', ok: true },
        { at: 'JSON value.props.url', ok: false, code: 'json_key_not_found' },
        { at: 'JSON value.hooks[0]', ok: false, code: 'secret_not_found' },
      ],
    });
    expect(JSON.stringify(output)).not.toContain('orders_app');
    expectNoCanary(output);
  });

  it('fails, saying why, when the references were typed with braces and the engine emptied them', async () => {
    const error = await failure(
      runAction(checkReferences, fixture.goodAuth(), {
        value: '{"password": "{{resolve:secretsmanager:prod/db:SecretString:password}}"}',
      }),
    );

    expect(error.message).toMatch(
      /^A prop cannot be used:\n✖ JSON value\.password arrived as an empty text\n/,
    );
    expect(error.message).toContain('Activepieces evaluated the {{…}}');
    expect(fixture.secretReads()).toEqual([]);
  });

  it.each([
    ['mapped without .output', '{{step_1.body}}'],
    ['typed as one braced reference', '{{resolve:secretsmanager:prod/db}}'],
  ])(
    'fails when the JSON value arrives emptied (%s), though References holds a reference',
    async (_how, value) => {
      const error = await failure(
        runAction(
          checkReferences,
          fixture.goodAuth(),
          { references: ['prod/api:token'], value },
          { steps: { step_1: { body: { password: '{{resolve:secretsmanager:prod/db}}' } } } },
        ),
      );

      expect(error.message).toMatch(/^A prop cannot be used:\n✖ JSON value arrived empty\n/);
      expect(fixture.secretReads()).toEqual([]);
    },
  );

  it('fails when a typed reference arrives empty', async () => {
    const error = await failure(
      runAction(checkReferences, fixture.goodAuth(), {
        references: ['prod/api:token', '{{resolve:secretsmanager:prod/api}}'],
      }),
    );

    expect(error.message).toContain('✖ References[1] arrived empty where a secret reference was expected');
  });
});
