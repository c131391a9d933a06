/**
 * Runs at most `concurrency` of the tasks given to the returned function at a time, in the order given.
 * @example
 *   const limit = createLimiter(10);
 *   await Promise.all(ids.map((id) => limit(() => fetchOne(id))));
 */
export function createLimiter(concurrency: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    active -= 1;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active += 1;
        task().then(resolve, reject).finally(next);
      };
      if (active < concurrency) start();
      else queue.push(start);
    });
}
