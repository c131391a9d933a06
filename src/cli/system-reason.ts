/** What the CLI was doing with a path when the system refused it. */
type PathAction = 'read' | 'write' | 'start';

const ADVICE: Readonly<Record<string, Readonly<Record<PathAction, string>>>> = {
  ENOENT: {
    read: 'no such file; check the path',
    write: 'its folder does not exist; create it or give another path',
    start: 'command not found; check its name and PATH, or give its full path',
  },
  EACCES: {
    read: 'permission denied; make it readable by this user (chmod u+r) or run as a user who may read it',
    write: 'permission denied; write to a folder this user may write to, or fix its permissions',
    start: 'permission denied; make it executable (chmod +x) or run it through its interpreter',
  },
  EISDIR: {
    read: 'it is a directory; give a file',
    write: 'it is a directory; give a file name',
    start: 'it is a directory; give a program',
  },
  ENOTDIR: {
    read: 'a part of the path is a file, not a directory; check the path',
    write: 'a part of the path is a file, not a directory; check the path',
    start: 'a part of the path is a file, not a directory; check the path',
  },
  EROFS: {
    read: 'read-only file system',
    write: 'the file system is read-only; write somewhere else',
    start: 'read-only file system',
  },
};

/**
 * A system error code as a reason a person can act on, the code kept in parentheses for searching:
 * `no such file (ENOENT); check the path`. Unknown codes are given as they are.
 */
export function systemReason(code: unknown, action: PathAction): string {
  if (typeof code !== 'string') return `${action} failed`;
  const advice = ADVICE[code === 'EPERM' ? 'EACCES' : code]?.[action];
  if (advice === undefined) return code;
  const [what, ...rest] = advice.split('; ');
  return `${what} (${code})${rest.length === 0 ? '' : `; ${rest.join('; ')}`}`;
}
