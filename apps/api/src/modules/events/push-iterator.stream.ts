/**
 * An AsyncIterableIterator fed by pushes (what a GraphQL subscription resolver returns): values wait in order until
 * the consumer pulls them; `end()` finishes it, and the consumer's `return()` (the client unsubscribed or went
 * away) calls `onReturn` once. Past `maxQueued` unread values the iterator fails: a client that does not read is
 * cut off (it resubscribes with `after`) instead of growing memory.
 */
export function pushIterator<T>(maxQueued = 10_000): {
  iterator: AsyncIterableIterator<T>;
  push(value: T): void;
  end(): void;
  fail(error: Error): void;
  onReturn(fn: () => void): void;
} {
  const queue: T[] = [];
  const pulls: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void }> = [];
  let done = false;
  let error: Error | null = null;
  const returns: Array<() => void> = [];
  const finish = () => {
    if (done) return;
    done = true;
    for (const fn of returns.splice(0)) fn();
  };
  const settle = () => {
    while (pulls.length > 0 && queue.length > 0) pulls.shift()!.resolve({ value: queue.shift()!, done: false });
    if (queue.length === 0 && (done || error)) {
      for (const p of pulls.splice(0)) {
        if (error) p.reject(error);
        else p.resolve({ value: undefined, done: true });
      }
    }
  };
  const iterator: AsyncIterableIterator<T> = {
    next() {
      if (error && queue.length === 0) return Promise.reject(error);
      if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => pulls.push({ resolve, reject }));
    },
    return() {
      queue.length = 0;
      finish();
      settle();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return {
    iterator,
    push(value) {
      if (done || error) return;
      if (queue.length >= maxQueued) {
        error = new Error(`the subscriber fell more than ${maxQueued} events behind; subscribe again with after`);
        finish();
        settle();
        return;
      }
      queue.push(value);
      settle();
    },
    end() {
      finish();
      settle();
    },
    fail(e) {
      error = e;
      finish();
      settle();
    },
    onReturn(fn) {
      if (done) fn();
      else returns.push(fn);
    },
  };
}
