import { createAction, Property } from '@activepieces/pieces-framework';
import { formatSecretRef, resolveConnection, SecretRefError } from 'secret-refs';
import { awsSecretsAuth } from '../auth.js';
import { managerFor } from '../manager.js';
import { emptiedText, failOnProblems, type PropProblem, readReference } from '../props.js';
import { jsonProblems, textEntries, urlProblems } from '../traces.js';

/**
 * Sends an HTTP request with headers whose values come from AWS Secrets Manager, read just before sending. The
 * references are typed in the bare form (`prod/api:token`), which the engine passes untouched. Every prop is checked
 * for what the engine leaves where a `{{…}}` gave nothing (see traces.ts) — an emptied URL part, header, query
 * parameter, JSON body or reference — and any such trace fails the step before a secret is read or a request sent.
 * The resolved headers never reach the step output: only the status and the response body do.
 * @example
 *   // Secret headers: [{ name: 'Authorization', scheme: 'Bearer', reference: 'prod/api:token' }]
 *   // → Authorization: Bearer <the token key of secret prod/api>
 */
export const sendRequest = createAction({
  auth: awsSecretsAuth,
  name: 'send_request',
  displayName: 'Send HTTP request with secrets',
  description: 'Sends a request whose secret headers are read from AWS Secrets Manager just before sending.',
  props: {
    url: Property.ShortText({ displayName: 'URL', required: true }),
    method: Property.StaticDropdown({
      displayName: 'Method',
      required: true,
      defaultValue: 'GET',
      options: {
        options: ['GET', 'POST', 'PUT', 'DELETE'].map((method) => ({ label: method, value: method })),
      },
    }),
    secretHeaders: Property.Array({
      displayName: 'Secret headers',
      description: 'Header values read from AWS Secrets Manager. Type references without braces.',
      required: false,
      properties: {
        name: Property.ShortText({ displayName: 'Header name', required: true }),
        scheme: Property.ShortText({
          displayName: 'Scheme',
          description: 'Written before the secret with one space, for example Bearer; leave empty for none.',
          required: false,
        }),
        reference: Property.ShortText({
          displayName: 'Secret reference',
          description: 'secret-id[:json-key[:version-stage[:version-id]]], such as prod/api:token or an ARN.',
          required: true,
        }),
      },
    }),
    headers: Property.Object({
      displayName: 'Other headers',
      description: 'Headers without secrets; values may use the flow data ({{step_1.output.id}}).',
      required: false,
    }),
    query: Property.Object({
      displayName: 'Query parameters',
      description: 'Added to the URL; values may use the flow data ({{trigger.output.body.id}}).',
      required: false,
    }),
    body: Property.Json({
      displayName: 'JSON body',
      description: 'Sent as application/json; leave empty for none.',
      required: false,
    }),
  },
  async run(context) {
    const { url, method, body } = context.propsValue;
    const query = textEntries(context.propsValue.query, 'Query parameters');
    const plain = readPlainHeaders(context.propsValue.headers);
    const secret = readSecretHeaders(context.propsValue.secretHeaders, plain.headers);
    failOnProblems([
      ...urlProblems(url, 'URL'),
      ...query.problems,
      ...plain.problems,
      ...secret.problems,
      ...jsonProblems(context.propsValue, 'body', 'JSON body'),
    ]);
    const target = new URL(url);
    for (const [name, value] of query.entries) target.searchParams.append(name, value);
    const resolved = await resolveConnection(secret.template, await managerFor(context.auth.props));
    const json = body !== undefined && method !== 'GET';
    const response = await fetch(target, {
      method,
      headers: [
        ...(json ? [['content-type', 'application/json'] as [string, string]] : []),
        ...plain.headers,
        ...Object.entries(resolved),
      ],
      ...(json ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: await response.text() };
  },
});

/** The headers without secrets, sent as the engine delivered them, and the ones that arrived emptied. */
function readPlainHeaders(headers: unknown): { headers: Map<string, string>; problems: PropProblem[] } {
  const { entries, problems } = textEntries(headers, 'Other headers');
  return { headers: new Map(entries.map(([name, value]) => [name.toLowerCase(), value])), problems };
}

/**
 * The secret headers as a template for `resolveConnection` — each one `<scheme> {{resolve:secretsmanager:…}}` — and
 * every problem with the props they came from.
 */
function readSecretHeaders(
  items: unknown[] | undefined,
  plain: ReadonlyMap<string, string>,
): { template: Record<string, string>; problems: PropProblem[] } {
  const template = new Map<string, string>();
  const problems: PropProblem[] = [];
  if (items !== undefined && items !== null && !Array.isArray(items)) {
    return { template: {}, problems: [{ prop: 'Secret headers', problem: 'must be a list' }] };
  }
  (items ?? []).forEach((item, index) => {
    const at = `Secret headers[${index}]`;
    const { name, scheme, reference } = (item ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || name.trim() === '') {
      problems.push({ prop: `${at}.name`, problem: 'arrived empty', emptied: true });
      return;
    }
    // An emptied scheme arrives as no scheme at all (the engine drops an empty optional text): the API then
    // refuses the header, and no secret goes anywhere it was not meant to.
    const schemeProblem = emptiedText(scheme, `${at}.scheme`);
    if (schemeProblem) problems.push(schemeProblem);
    const read = readReference(reference, `${at}.reference`);
    if ('problem' in read) {
      problems.push(read.problem);
      return;
    }
    const key = name.trim().toLowerCase();
    if (template.has(key) || plain.has(key)) {
      problems.push({ prop: `${at}.name`, problem: `names header ${key} a second time` });
      return;
    }
    const { manager: _anyManager, ...ref } = read.ref; // the step's connection serves every reference
    let text: string;
    try {
      text = formatSecretRef(ref);
    } catch (error) {
      if (!(error instanceof SecretRefError)) throw error;
      problems.push({
        prop: `${at}.reference`,
        problem: 'cannot be read by this piece (a JSON key with ":")',
      });
      return;
    }
    const prefix = typeof scheme === 'string' && scheme.trim() !== '' ? `${scheme.trim()} ` : '';
    template.set(key, `${prefix}${text}`);
  });
  return { template: Object.fromEntries(template), problems };
}
