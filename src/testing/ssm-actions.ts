import { AwsError, awsErrors } from './aws-error.js';
import {
  type ActionHandler,
  optionalBoolean,
  optionalInt,
  optionalString,
  optionalStringList,
  paginate,
  required,
  requiredString,
} from './input.js';
import type { ParameterType } from './parameters.js';

const getParameter: ActionHandler = (input, ctx) => {
  const name = requiredString(input, 'Name');
  const decrypt = optionalBoolean(input, 'WithDecryption') ?? false;
  return { Parameter: ctx.parameters.get(name, decrypt) };
};

const getParameters: ActionHandler = (input, ctx) => {
  const names = required('Names', optionalStringList(input, 'Names', 10));
  const decrypt = optionalBoolean(input, 'WithDecryption') ?? false;
  const Parameters: Record<string, unknown>[] = [];
  const InvalidParameters: string[] = [];
  for (const name of new Set(names)) {
    try {
      Parameters.push(ctx.parameters.get(name, decrypt));
    } catch (error) {
      // A missing parameter or version is listed, not raised; anything else (KMS) fails the call, as AWS does.
      if (
        !(error instanceof AwsError) ||
        !['ParameterNotFound', 'ParameterVersionNotFound', 'ValidationException'].includes(error.code)
      )
        throw error;
      InvalidParameters.push(name);
    }
  }
  return { Parameters, InvalidParameters };
};

const getParametersByPath: ActionHandler = (input, ctx) => {
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
  return nextToken === undefined ? { Parameters } : { Parameters, NextToken: nextToken };
};

const putParameter: ActionHandler = (input, ctx) => {
  const Version = ctx.parameters.put(
    {
      name: requiredString(input, 'Name'),
      value: requiredString(input, 'Value'),
      type: optionalString(input, 'Type') as ParameterType | undefined,
    },
    optionalBoolean(input, 'Overwrite') ?? false,
  );
  return { Version, Tier: 'Standard' };
};

const labelParameterVersion: ActionHandler = (input, ctx) => {
  const labels = required('Labels', optionalStringList(input, 'Labels', 10));
  const version = optionalInt(input, 'ParameterVersion', 1, Number.MAX_SAFE_INTEGER);
  const result = ctx.parameters.label(requiredString(input, 'Name'), version, labels);
  return { InvalidLabels: result.invalid, ParameterVersion: result.version };
};

const deleteParameter: ActionHandler = (input, ctx) => {
  ctx.parameters.delete(requiredString(input, 'Name'));
  return {};
};

/** The Parameter Store operations the local endpoint implements, by `X-Amz-Target` action name. */
export const ssmActions: ReadonlyMap<string, ActionHandler> = new Map([
  ['GetParameter', getParameter],
  ['GetParameters', getParameters],
  ['GetParametersByPath', getParametersByPath],
  ['PutParameter', putParameter],
  ['LabelParameterVersion', labelParameterVersion],
  ['DeleteParameter', deleteParameter],
]);
