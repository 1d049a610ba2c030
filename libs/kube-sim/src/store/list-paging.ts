// Lists as the REST API serves them: continue tokens, limit, and resourceVersion + resourceVersionMatch=Exact
// (an older state rebuilt by undoing the kept watch history).
import { badRequest, expired, tooLargeResourceVersion } from './api-error';
import { decodeContinue, encodeContinue } from './continue-token';
import { fieldLabelsOf, keyOf } from './object-helpers';
import type { ResourceDef } from './resources';
import { resourceId } from './resources';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';
import type { KubeObject, ListOptions } from './store.types';
import type { HistoryEntry } from './watch-history';

/** What paging reads of the store (MemoryStore satisfies it; declared here so the two files do not import each other). */
export interface PageSource {
  currentResourceVersion(): string;
  listShared(def: ResourceDef, opts?: ListOptions): KubeObject[];
  oldestHistoryRv(): number | undefined;
  historyNewestFirst(): Iterable<HistoryEntry>;
}

export interface ListPageOptions extends ListOptions {
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface ListPage {
  /** Frozen, shared objects: serialize, do not mutate. */
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export function listPage(store: PageSource, def: ResourceDef, opts: ListPageOptions): ListPage {
  const current = Number(store.currentResourceVersion());
  let start: string | undefined;
  let listRv = current;
  if (opts.continue) {
    const tok = decodeContinue(opts.continue);
    start = tok.start;
    listRv = tok.rv;
  }
  let items: KubeObject[];
  if (!opts.continue && opts.resourceVersion && opts.resourceVersionMatch === 'Exact' && Number(opts.resourceVersion) !== current) {
    const at = Number(opts.resourceVersion);
    if (!Number.isInteger(at)) throw badRequest(`invalid resource version: ${opts.resourceVersion}`);
    items = listAt(store, def, at, current, opts);
    listRv = at;
  } else {
    items = store.listShared(def, opts);
  }
  if (start !== undefined) {
    const from = start;
    items = items.filter((o) => keyOf(o) > from);
  }
  const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
  if (limit !== undefined && items.length > limit) {
    const page = items.slice(0, limit);
    return {
      items: page,
      resourceVersion: String(listRv),
      continue: encodeContinue(listRv, keyOf(page[page.length - 1])),
      remainingItemCount: items.length - limit,
    };
  }
  return { items, resourceVersion: String(listRv) };
}

/** The list as it was at resourceVersion `at`, rebuilt by undoing kept history; 410 when that is too old. */
function listAt(store: PageSource, def: ResourceDef, at: number, current: number, opts: ListOptions): KubeObject[] {
  if (at > current) throw tooLargeResourceVersion(at, current);
  const oldest = store.oldestHistoryRv();
  if (oldest === undefined || at + 1 < oldest) throw expired('The resourceVersion for the provided list is too old.');
  const id = resourceId(def);
  const state = new Map<string, KubeObject>();
  for (const o of store.listShared(def)) state.set(keyOf(o), o);
  for (const e of store.historyNewestFirst()) {
    if (e.rv <= at) break;
    if (resourceId(e.resource) !== id) continue;
    const k = keyOf(e.object);
    if (e.type === 'ADDED') state.delete(k);
    else if (e.oldObject) state.set(k, e.oldObject);
  }
  const labelReqs = parseLabelSelector(opts.labelSelector);
  const fieldReqs = parseFieldSelector(opts.fieldSelector, fieldLabelsOf(def));
  return [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o)
    .filter((o) => (opts.namespace === undefined || !def.namespaced || o.metadata.namespace === opts.namespace)
      && matchesLabels(labelReqs, o.metadata.labels) && matchesFields(fieldReqs, o));
}
