import { extendsBySuffix, nameOfArn, parseSecretArn } from '../../ref/secret-names.js';
import type { SecretPayload } from '../../types.js';

/** One entry of `SecretValues[]` whose identity could be read: the payload, or why its value cannot be read. */
export type BatchEntry = {
  arn: string | undefined;
  name: string | undefined;
} & ({ payload: SecretPayload; problem?: undefined } | { payload?: undefined; problem: string });

/** One usable entry of `Errors[]`. */
export interface BatchErrorEntry {
  secretId: string;
  errorCode: string;
  message: string | undefined;
}

/** How one requested id is answered: by an entry, by an error entry, or by a `GetSecretValue` of its own. */
export type BatchMatch =
  | { kind: 'entry'; entry: BatchEntry }
  | { kind: 'error'; error: BatchErrorEntry }
  | { kind: 'alone' };

/** The entries of one secret: one ARN, or (for entries without `ARN`) one `Name`. */
interface Group {
  arn: string | undefined;
  entries: BatchEntry[];
  claimed: boolean;
}

/**
 * Pairs each requested id with its own answer; AWS promises no order, and an answer may hold entries of other
 * accounts, duplicates or extras. Exact full ARNs claim their entries first; then partial ARNs, then names, each
 * answered only when exactly one secret of the whole answer fits it and no other id claimed that secret (a name
 * fits an entry whose `Name`, or without one its ARN's name, equals it and whose ARN is in the batch's region).
 * Which account is the caller's is not known here, so a name that two accounts' entries fit is never decided by elimination,
 * nor is a name given an entry that an ARN id of the call left unanswered may name: an id that fits no
 * entry, fits more than one, fits only an entry another id claimed, or has both an entry and an error entry is
 * answered `alone` (fetched by itself, where AWS resolves it). Error entries match their id exactly. Entries that
 * share an ARN but differ in value are never chosen between. An entry without `ARN` (as minimal test mocks write
 * them: `{ Name, SecretString }`) cannot say its account or region: it answers a name only when every id of the call
 * is a name (so no other account's secret was asked for) and it is the only entry of that name.
 */
export function matchBatch(
  ids: readonly string[],
  entries: readonly BatchEntry[],
  errors: readonly BatchErrorEntry[],
  /** Where the ids of the call are read: a name only ever names a secret of this region. */
  scope: { region: string | undefined },
): Map<string, BatchMatch> {
  const groups = groupBy(entries, (entry) => entry.arn);
  const arnIds = ids.filter((id) => id.startsWith('arn:'));
  const names = ids.filter((id) => !id.startsWith('arn:'));
  const withoutArn = () =>
    groupBy(entries, (entry) => (entry.arn === undefined ? entry.name : undefined)).values();
  const candidates = [...groups.values(), ...(arnIds.length === 0 ? withoutArn() : [])];
  const errorOf = new Map<string, BatchErrorEntry>();
  for (const error of errors) if (!errorOf.has(error.secretId)) errorOf.set(error.secretId, error);
  const matches = new Map<string, BatchMatch>();

  for (const id of arnIds) {
    const group = groups.get(id);
    if (group === undefined) continue;
    group.claimed = true;
    matches.set(id, answerOf(group, errorOf.get(id)));
  }
  const claimLeft = (id: string, fits: (group: Group) => boolean): void => {
    const all = candidates.filter(fits);
    const free = all.filter((group) => !group.claimed);
    const error = errorOf.get(id);
    if (all.length === 1 && free.length === 1) {
      free[0]!.claimed = true;
      matches.set(id, answerOf(free[0]!, error));
    } else if (free.length === 0 && all.length === 0 && error !== undefined) {
      matches.set(id, { kind: 'error', error });
    } else {
      matches.set(id, { kind: 'alone' });
    }
  };
  for (const id of arnIds) {
    if (!matches.has(id)) claimLeft(id, (group) => group.arn !== undefined && extendsBySuffix(group.arn, id));
  }
  // ARN ids no entry answered: an entry one of them may name (a malformed ARN without its suffix, say) is not given
  // to a name, whose account (the caller's) is not known here and may be another: the name is fetched alone.
  const unanswered = arnIds.filter((id) => matches.get(id)?.kind !== 'entry');
  for (const id of names) {
    const fits = (group: Group): boolean =>
      (group.entries[0]!.name ?? nameOfArn(group.arn)) === id &&
      (scope.region === undefined ||
        group.arn === undefined ||
        parseSecretArn(group.arn)?.region === scope.region);
    if (candidates.some((group) => fits(group) && mayAnswer(group, unanswered)))
      matches.set(id, { kind: 'alone' });
    else claimLeft(id, fits);
  }
  return matches;
}

/** True when the group's ARN is one of `arnIds`, or one of them with or without AWS's suffix. */
function mayAnswer(group: Group, arnIds: readonly string[]): boolean {
  const { arn } = group;
  if (arn === undefined) return false;
  return arnIds.some((id) => id === arn || extendsBySuffix(arn, id) || extendsBySuffix(id, arn));
}

/**
 * Entries grouped by `key`; an entry without one is left out. Grouped by `ARN`, or for entries without `ARN` by
 * `Name` (an entry with neither cannot be attributed).
 */
function groupBy(
  entries: readonly BatchEntry[],
  key: (entry: BatchEntry) => string | undefined,
): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const entry of entries) {
    const id = key(entry);
    if (id === undefined) continue;
    const group = groups.get(id);
    if (group === undefined) groups.set(id, { arn: entry.arn, entries: [entry], claimed: false });
    else group.entries.push(entry);
  }
  return groups;
}

function answerOf(group: Group, error: BatchErrorEntry | undefined): BatchMatch {
  const [first, ...rest] = group.entries;
  if (error !== undefined) return { kind: 'alone' };
  // Without an ARN, two entries of one name may be two secrets (two accounts): never chosen between.
  if (group.arn === undefined ? rest.length > 0 : rest.some((entry) => !sameAnswer(first!, entry))) {
    return { kind: 'alone' };
  }
  return { kind: 'entry', entry: first! };
}

function sameAnswer(a: BatchEntry, b: BatchEntry): boolean {
  if (a.name !== b.name) return false;
  if (a.payload === undefined || b.payload === undefined) return a.problem === b.problem;
  return samePayload(a.payload, b.payload);
}

function samePayload(a: SecretPayload, b: SecretPayload): boolean {
  return (
    a.versionId === b.versionId &&
    a.secretString === b.secretString &&
    sameBytes(a.secretBinary, b.secretBinary) &&
    (a.versionStages ?? []).join('\0') === (b.versionStages ?? []).join('\0')
  );
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
