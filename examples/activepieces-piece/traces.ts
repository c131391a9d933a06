import { emptiedText, type PropProblem } from './props.js';

/**
 * The problems with a URL prop, looking for what the engine leaves where a `{{…}}` gave empty text: an empty URL,
 * host or port, an empty path segment (`/v1//charges`), a path ending in `/` (`/orders/`), an empty query value
 * (`?id=`), white space at either end. A URL that really ends in `/` is refused too: the piece cannot tell it from
 * an emptied one. The URL itself is never repeated (it may carry an id or a key).
 * @example
 *   urlProblems('https://api.example.com/orders/', 'URL'); // [{ prop: 'URL', problem: "ends in '/' …", emptied: true }]
 */
export function urlProblems(value: unknown, prop: string): PropProblem[] {
  const text = emptiedText(value, prop);
  if (text !== undefined) return [text];
  if (value === undefined || value === null) return [{ prop, problem: 'arrived empty', emptied: true }];
  const url = String(value);
  const parts = /^https?:\/\/([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(url);
  if (parts === null) return [{ prop, problem: 'must be an http:// or https:// URL' }];
  const [, authority = '', path = '', query] = parts;
  const problems: PropProblem[] = [];
  const emptied = (problem: string) => problems.push({ prop, problem, emptied: true });
  if (/^(?:[^@]*@)?(?::|$)|[:@]$/.test(authority)) emptied('has an empty host or port');
  if (path.includes('//')) emptied('has an empty path segment (//)');
  else if (path.length > 1 && path.endsWith('/')) emptied("ends in '/' where a path segment was expected");
  const pairs = query === undefined ? [] : query.slice(1).split('&');
  if (pairs.some((pair) => pair === '' || pair.endsWith('='))) emptied('has an empty query parameter');
  if (problems.length === 0 && !URL.canParse(url)) problems.push({ prop, problem: 'is not a valid URL' });
  return problems;
}

/**
 * The text entries of an Object prop (headers, query parameters) and the problems with them: a value that arrived
 * empty or cut short (`Bearer `), or a value that is not text, a number or a boolean.
 * @example
 *   textEntries({ 'X-Order': '42', Authorization: 'Bearer ' }, 'Other headers');
 *   // { entries: [['X-Order', '42']], problems: [{ prop: 'Other headers.Authorization', … }] }
 */
export function textEntries(
  value: unknown,
  prop: string,
): { entries: [string, string][]; problems: PropProblem[] } {
  if (value === undefined || value === null) return { entries: [], problems: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { entries: [], problems: [{ prop, problem: 'must be an object of names and values' }] };
  }
  const entries: [string, string][] = [];
  const problems: PropProblem[] = [];
  for (const [name, item] of Object.entries(value)) {
    const text = typeof item === 'number' || typeof item === 'boolean' ? String(item) : item;
    const problem = emptiedText(text ?? '', `${prop}.${name}`);
    if (problem) problems.push(problem);
    else entries.push([name, text as string]);
  }
  return { entries, problems };
}

/**
 * The problems with a JSON prop the step's input holds: arrived as nothing (the engine's JSON processor turns an
 * emptied prop into `undefined`, or passes `''` on), as text that is not JSON (`{"amount": }`), or holding an empty
 * text (`{"password": ""}`). A prop the step's input does not hold is not looked at.
 * @example
 *   jsonProblems({ body: undefined }, 'body', 'Body'); // [{ prop: 'Body', problem: 'arrived empty', emptied: true }]
 */
export function jsonProblems(propsValue: Record<string, unknown>, key: string, prop: string): PropProblem[] {
  if (!Object.hasOwn(propsValue, key)) return [];
  const value = propsValue[key];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return [{ prop, problem: 'arrived empty', emptied: true }];
  }
  if (typeof value !== 'object')
    return [{ prop, problem: 'arrived as text that is not JSON', emptied: true }];
  const problems: PropProblem[] = [];
  const visit = (item: unknown, at: string) => {
    if (typeof item === 'string' && item.trim() === '') {
      problems.push({ prop: at, problem: 'arrived as an empty text', emptied: true });
    } else if (Array.isArray(item)) {
      for (const [index, child] of item.entries()) visit(child, `${at}[${index}]`);
    } else if (item !== null && typeof item === 'object') {
      for (const [name, child] of Object.entries(item)) visit(child, `${at}.${name}`);
    }
  };
  visit(value, prop);
  return problems;
}
