import { createHash } from 'node:crypto';
import { AnswerShapeError, readString } from './answer-shape.js';

/** Pages of one `ListSecrets` listing before it is ended as malformed: 1,000,000 secrets at 100 a page. */
export const MAX_LIST_PAGES = 10_000;
/** Pages of one `BatchGetSecretValue` call for up to 20 ids (AWS answers them in one page). */
export const MAX_BATCH_PAGES = 5;

/**
 * Follows the `NextToken`s of one paginated call and ends it when a token comes back a second time (the endpoint
 * would loop for ever) or the pages pass `maxPages`. Tokens are remembered by digest, so a hostile endpoint's long
 * tokens do not pile up.
 * @example
 *   const guard = createPageGuard(MAX_LIST_PAGES);
 *   do { page = await list(token); token = guard.next(page); } while (token !== undefined);
 */
export function createPageGuard(maxPages: number): {
  next(page: Record<string, unknown>): string | undefined;
} {
  const seen = new Set<string>();
  let pages = 0;
  return {
    next(page) {
      pages += 1;
      const token = readString(page, 'NextToken');
      if (token === undefined || token === '') return undefined;
      if (pages >= maxPages) {
        throw new AnswerShapeError(`it asked for more than ${maxPages} pages`);
      }
      const digest = createHash('sha256').update(token).digest('base64');
      if (seen.has(digest)) throw new AnswerShapeError('it repeated a page token (`NextToken`)');
      seen.add(digest);
      return token;
    },
  };
}
