import { createAction, Property } from '@activepieces/pieces-framework';
import { resolveConnection } from '../../../src/resolve/resolve-connection.js';
import { awsSecretsAuth } from '../auth.js';
import { managerFor } from '../manager.js';

/**
 * Sends an HTTP request whose headers may hold secret references, resolved just before sending. The resolved
 * headers never reach the step output: only the status and the response body do.
 */
export const sendRequest = createAction({
  auth: awsSecretsAuth,
  name: 'send_request',
  displayName: 'Send HTTP request with secrets',
  description: 'Resolves {{resolve:secretsmanager:…}} references in the headers, then sends the request.',
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
    headers: Property.Object({
      displayName: 'Headers',
      description: 'Authorization: Bearer {{resolve:secretsmanager:prod/api:SecretString:token}}',
      required: false,
    }),
    body: Property.LongText({ displayName: 'Body', required: false }),
  },
  async run(context) {
    const { url, method, body } = context.propsValue;
    const headers = await resolveConnection(context.propsValue.headers ?? {}, managerFor(context.auth.props));
    const response = await fetch(url, {
      method,
      headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)])),
      ...(body === undefined || method === 'GET' ? {} : { body }),
    });
    return { status: response.status, body: await response.text() };
  },
});
