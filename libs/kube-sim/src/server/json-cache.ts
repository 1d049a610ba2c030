// Serialized forms of stored objects, cached per (frozen, immutable) object version: lists, gets and watches of
// unchanged objects then cost a string copy instead of a JSON.stringify each time.
import type { KubeObject } from '../store/store.types';

const full = new WeakMap<KubeObject, string>();
const listItem = new WeakMap<KubeObject, string>();

/** JSON of the object as GET and watch events send it. */
export function objectJson(o: KubeObject): string {
  let s = full.get(o);
  if (s === undefined) full.set(o, (s = JSON.stringify(o)));
  return s;
}

/** JSON of the object as a list item: built-in types omit apiVersion and kind there. */
export function listItemJson(o: KubeObject, keepTypeMeta: boolean): string {
  if (keepTypeMeta) return objectJson(o);
  let s = listItem.get(o);
  if (s === undefined) listItem.set(o, (s = JSON.stringify({ ...o, apiVersion: undefined, kind: undefined })));
  return s;
}
