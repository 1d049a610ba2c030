// Watch streams: newline-delimited JSON events over a chunked 200 response, as kube-apiserver serves them.
import type { ServerResponse } from 'node:http';
import { ApiError, expired } from '../store/api-error';
import type { MemoryStore } from '../store/memory-store';
import type { ResourceDef } from '../store/resources';
import { apiVersionOf, resourceId } from '../store/resources';
import type { FieldRequirement, LabelSelectorReqs } from '../store/selectors';
import { matchesFields, matchesLabels } from '../store/selectors';
import type { KubeObject, WatchEventType } from '../store/store.types';
import type { HistoryEntry } from '../store/watch-history';
import type { Faults } from './faults';
import type { WatchHub } from './watch-hub';
import { objectJson } from './json-cache';

export interface WatchParams {
  def: ResourceDef;
  namespace?: string;
  labels: LabelSelectorReqs;
  fields: FieldRequirement[];
  resourceVersion?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  /** Re-shapes event objects (kubectl asks for Tables); `first` is true for the first object event of the stream. */
  transform?: (o: KubeObject, first: boolean) => unknown;
}

export interface WatchConfig {
  store: MemoryStore;
  hub: WatchHub;
  faults: Faults;
  /** How often to send a BOOKMARK when the client allows them (kube-apiserver: about a minute). */
  bookmarkIntervalMs: number;
  /** Notified when the watch ends, for bookkeeping. */
  onClose?: () => void;
}

type Out = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export function serveWatch(res: ServerResponse, p: WatchParams, cfg: WatchConfig): void {
  const { store, faults } = cfg;
  const id = resourceId(p.def);
  const matches = (o: KubeObject | undefined): boolean =>
    !!o && (p.namespace === undefined || !p.def.namespaced || o.metadata.namespace === p.namespace)
    && (p.labels.length === 0 || matchesLabels(p.labels, o.metadata.labels))
    && (p.fields.length === 0 || matchesFields(p.fields, o));

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let closed = false;
  let lastRv = 0;
  const write = (line: string | Buffer) => {
    if (!closed) res.write(line);
  };
  let first = true;
  const send = (type: Out, object: unknown) => write(`${JSON.stringify({ type, object })}\n`);
  const sendObject = (type: Out, o: KubeObject) => {
    if (!p.transform) {
      write(`{"type":"${type}","object":${objectJson(o)}}\n`);
      return;
    }
    const shaped = p.transform(o, first);
    first = false;
    send(type, shaped);
  };

  const sendEntry = (e: HistoryEntry): void => {
    lastRv = Math.max(lastRv, e.rv);
    if ((e.rid ?? resourceId(e.resource)) !== id) return;
    const now = matches(e.object);
    const before = e.type === 'MODIFIED' ? matches(e.oldObject) : now;
    let type: WatchEventType;
    if (e.type === 'MODIFIED') {
      if (now && before) type = 'MODIFIED';
      else if (now) type = 'ADDED';
      else if (before) type = 'DELETED';
      else return;
    } else {
      if (!now) return;
      type = e.type;
    }
    if (type === e.type && !p.transform) write((e.payload ??= Buffer.from(`{"type":"${e.type}","object":${objectJson(e.object)}}\n`)));
    else sendObject(type, e.object);
  };

  const bookmark = (initialEventsEnd = false) => {
    if (!p.allowWatchBookmarks) return;
    // Live events of other resources do not reach this watch; every event up to the store's resourceVersion has been
    // delivered synchronously, so that is where a resumed watch may start.
    if (!closed && !initialEventsEnd) lastRv = Math.max(lastRv, Number(store.currentResourceVersion()));
    send('BOOKMARK', {
      kind: p.def.kind, apiVersion: apiVersionOf(p.def),
      metadata: { resourceVersion: String(lastRv), ...(initialEventsEnd ? { annotations: { 'k8s.io/initial-events-end': 'true' } } : {}) },
    });
  };

  // Start position: replay history after resourceVersion, or synthesize ADDED for the current state.
  const rvParam = p.resourceVersion;
  const storeRv = Number(store.currentResourceVersion());
  if (rvParam && rvParam !== '0' && !p.sendInitialEvents) {
    const from = Number(rvParam);
    if (!Number.isInteger(from) || from < 0) {
      send('ERROR', new ApiError(400, 'BadRequest', `invalid resource version: ${rvParam}`).status);
      res.end();
      return;
    }
    const replay = store.historySince(from);
    if (replay === 'expired') {
      send('ERROR', expired(`too old resource version: ${from} (${store.oldestWatchableRv()})`).status);
      res.end();
      return;
    }
    lastRv = Math.min(from, storeRv);
    for (const e of replay) sendEntry(e);
  } else {
    for (const o of store.listShared(p.def, { namespace: p.def.namespaced ? p.namespace : undefined })) {
      if (matches(o)) sendObject('ADDED', o);
    }
    lastRv = storeRv;
    if (p.sendInitialEvents) bookmark(true);
  }

  const unsubscribe = cfg.hub.subscribe(id, sendEntry);
  const bookmarkTimer = p.allowWatchBookmarks ? setInterval(() => bookmark(), cfg.bookmarkIntervalMs) : undefined;
  // Without timeoutSeconds the apiserver picks 30-60 minutes.
  const timeoutMs = (p.timeoutSeconds && p.timeoutSeconds > 0 ? p.timeoutSeconds : 1800 * (1 + Math.random())) * 1000;
  // A bookmark shortly before the end lets clients resume from the latest resourceVersion.
  const preEnd = p.allowWatchBookmarks && timeoutMs > 200 ? setTimeout(() => bookmark(), timeoutMs - 100) : undefined;
  const endTimer = setTimeout(() => finish(false), timeoutMs);
  const unregister = faults.registerWatch(() => finish(true));

  function finish(cut: boolean): void {
    if (closed) return;
    closed = true;
    unsubscribe();
    unregister();
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (preEnd) clearTimeout(preEnd);
    clearTimeout(endTimer);
    if (cut) res.destroy();
    else res.end();
    cfg.onClose?.();
  }
  res.on('close', () => finish(false));
}
