import { DomainError } from '@cutover/domain';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** Every list answers `{ items, nextCursor }`; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Cursors are opaque to clients: base64url of a small JSON object chosen by the list (usually its sort key). */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function badCursor(): DomainError {
  return DomainError.validation([{ path: 'cursor', rule: 'cursor', message: 'cursor is not one this list handed out' }]);
}

/**
 * Reads a cursor back; `keys` are the fields the list put in it. A cursor that was tampered with, or that belongs
 * to another list, is a 422 naming `cursor`.
 */
export function decodeCursor<K extends string>(cursor: string | undefined | null, keys: readonly K[]): Record<K, string> | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof parsed !== 'object' || parsed === null) throw badCursor();
  const out = {} as Record<K, string>;
  for (const key of keys) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value !== 'string' && typeof value !== 'number') throw badCursor();
    out[key] = String(value);
  }
  return out;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only says there is more, and the cursor points at the
 * last row returned. Fetch with `take: limit + 1`.
 */
export function toPage<T>(rows: T[], limit: number, positionOf: (last: T) => Record<string, string | number>): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(positionOf(items[items.length - 1] as T)) };
}

/** Maps a page's items (e.g. records → response DTOs) keeping its cursor. */
export function mapPage<T, U>(page: Page<T>, map: (item: T) => U): Page<U> {
  return { items: page.items.map(map), nextCursor: page.nextCursor };
}
