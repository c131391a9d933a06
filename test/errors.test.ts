import { describe, expect, it } from 'vitest';
import {
  formatIssues,
  formatPath,
  SecretResolutionError,
  type SecretResolutionIssue,
} from '../src/errors.js';

const issue = (n: number, message = `reference ${n} failed`): SecretResolutionIssue => ({
  path: ['props', 'items', n],
  ref: `{{resolve:secretsmanager:s${n}}}`,
  code: 'secret_not_found',
  message,
});

describe('formatPath', () => {
  it('writes identifiers with dots, indexes and other keys in brackets', () => {
    expect(formatPath(['props', 'headers', 0, 'x-api-key', '__proto__'])).toBe(
      'props.headers[0]["x-api-key"].__proto__',
    );
    expect(formatPath([])).toBe('(root)');
  });
});

describe('formatIssues', () => {
  it('lists each issue with its path', () => {
    expect(formatIssues([issue(0), issue(1)])).toMatchInlineSnapshot(`
      "✖ reference 0 failed
        → at props.items[0]
      ✖ reference 1 failed
        → at props.items[1]"
    `);
  });

  it('cuts long messages and counts the issues past maxIssues', () => {
    // Prepare: a pathological reference text of 5 MB inside a message
    const huge = issue(0, `{{resolve:secretsmanager:db:SecretString:${'k'.repeat(5_000_000)}}}: not found`);

    // Act
    const text = formatIssues([huge, issue(1), issue(2)], { maxIssues: 2, maxLength: 100 });

    // Assess
    expect(text.length).toBeLessThan(400);
    expect(text).toContain('…\n  → at props.items[0]');
    expect(text.endsWith('… and 1 more (see `issues`)')).toBe(true);
  });
});

describe('SecretResolutionError', () => {
  it('lists the first 20 issues in its message and keeps every one in issues', () => {
    const issues = Array.from({ length: 10_000 }, (_, n) => issue(n));
    const error = new SecretResolutionError(issues);
    expect(error.issues).toHaveLength(10_000);
    expect(error.message.split('\n')[0]).toBe('10000 secret references could not be resolved:');
    expect(error.message).toContain('→ at props.items[19]');
    expect(error.message).not.toContain('→ at props.items[20]');
    expect(error.message.endsWith('… and 9980 more (see `issues`)')).toBe(true);
  });
});
