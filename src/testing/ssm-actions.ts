import { AwsError, awsErrors } from './aws-error.js';
import {
  type ActionHandler,
  attempt,
  optionalBoolean,
  optionalInt,
  optionalString,
  optionalStringList,
  paginate,
  required,
  requiredString,
} from './input.js';
import type { SeedParameter } from './types.js';

const LISTED = ['ParameterNotFound', 'ParameterVersionNotFound', 'ValidationException'];

const handlers: Record<string, ActionHandler> = {
  GetParameter(input, ctx) {
    const name = requiredString(input, 'Name');
    const decrypt = optionalBoolean(input, 'WithDecryption') ?? false;
    return { Parameter: ctx.parameters.get(name, decrypt) };
  },

  GetParameters(input, ctx) {
    const names = required('Names', optionalStringList(input, 'Names', 10));
    const decrypt = optionalBoolean(input, 'WithDecryption') ?? false;
    const Parameters: Record<string, unknown>[] = [];
    const InvalidParameters: string[] = [];
    for (const name of new Set(names)) {
      // A missing parameter or version is listed, not raised; anything else (KMS) fails the call, as AWS does.
      const entry = attempt(() => ctx.parameters.get(name, decrypt));
      if (!(entry instanceof AwsError)) Parameters.push(entry);
      else if (LISTED.includes(entry.code)) InvalidParameters.push(name);
      else throw entry;
    }
    return { Parameters, InvalidParameters };
  },

  GetParametersByPath(input, ctx) {
    const path = requiredString(input, 'Path');
    if (!path.startsWith('/'))
      throw awsErrors.validation('The parameter path must begin with a forward slash (/).');
    const recursive = optionalBoolean(input, 'Recursive') ?? false;
    const decrypt = optionalBoolean(input, 'WithDecryption') ?? false;
    const maxResults = optionalInt(input, 'MaxResults', 1, 10) ?? 10;
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const matching = ctx.parameters
      .all()
      .filter((p) => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes('/')));
    const { page, nextToken } = paginate(
      matching,
      maxResults,
      optionalString(input, 'NextToken'),
      () => new AwsError('InvalidNextToken', 'The specified token is not valid.'),
    );
    const Parameters = page.map((p) => ctx.parameters.get(p.name, decrypt));
    return { Parameters, NextToken: nextToken };
  },

  PutParameter(input, ctx) {
    const Version = ctx.parameters.put(
      {
        name: requiredString(input, 'Name'),
        value: requiredString(input, 'Value'),
        type: optionalString(input, 'Type') as SeedParameter['type'],
      },
      optionalBoolean(input, 'Overwrite') ?? false,
    );
    return { Version, Tier: 'Standard' };
  },

  LabelParameterVersion(input, ctx) {
    const labels = required('Labels', optionalStringList(input, 'Labels', 10));
    const version = optionalInt(input, 'ParameterVersion', 1, Number.MAX_SAFE_INTEGER);
    const result = ctx.parameters.label(requiredString(input, 'Name'), version, labels);
    return { InvalidLabels: result.invalid, ParameterVersion: result.version };
  },

  DeleteParameter(input, ctx) {
    ctx.parameters.delete(requiredString(input, 'Name'));
    return {};
  },
};

/** The Parameter Store operations the local endpoint implements, by `X-Amz-Target` action name. */
export const ssmActions: ReadonlyMap<string, ActionHandler> = new Map(Object.entries(handlers));
