// REST verbs on a resource: get, list, create, update, patch, delete, deletecollection (+ /status).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { load as loadYaml } from 'js-yaml';
import { ApiError, badRequest, invalidGeneric, notFound, unsupportedMediaType } from '../store/api-error';
import { isPlainObject } from '../store/json-utils';
import type { MemoryStore } from '../store/memory-store';
import type { ResourceDef } from '../store/resources';
import { apiVersionOf } from '../store/resources';
import type { DeleteOptions, KubeObject, PropagationPolicy } from '../store/store.types';
import { describeJsonError, readBody, sendJson, sendRaw } from './http-util';
import { listItemJson, objectJson } from './json-cache';
import { removalPatch } from './patch/apply-patch';
import { applyJsonPatch, JsonPatchError } from './patch/json-patch';
import { applyMergePatch } from './patch/merge-patch';
import { decodeKubeProtobuf, ProtobufUnsupported } from './protobuf';
import { applyStrategicMergePatch, StrategicPatchError } from './patch/strategic-merge-patch';
import { dropFields, unknownFields } from './strict-fields';
import { toTable, wantsTable } from './tables';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  store: MemoryStore;
  def: ResourceDef;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const PATCH_TYPES = new Set([
  'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml',
]);

function isDryRun(q: URLSearchParams): boolean {
  const v = q.getAll('dryRun');
  for (const x of v) if (x !== 'All') throw badRequest(`dryRun: Unsupported value: "${x}": supported values: "All"`);
  return v.includes('All');
}

/** Lists omit apiVersion/kind on items of built-in types, as kube-apiserver's JSON does. */
export function listBody(def: ResourceDef, items: KubeObject[], meta: Record<string, unknown>): string {
  const keepTypeMeta = def.group === 'gateway.networking.k8s.io';
  const parts = items.map((o) => listItemJson(o, keepTypeMeta));
  return `{"kind":"${def.kind}List","apiVersion":"${apiVersionOf(def)}","metadata":${JSON.stringify(meta)},"items":[${parts.join(',')}]}`;
}

export async function parseObjectBody(r: ResourceRequest): Promise<KubeObject> {
  const ct = (r.req.headers['content-type'] ?? 'application/json').split(';')[0].trim().toLowerCase();
  const isYaml = ct === 'application/yaml';
  const unsupported = () => new ApiError(415, 'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml', {});
  if (ct === 'application/vnd.kubernetes.protobuf') {
    // kubectl's imperative generators send protobuf; Namespaces, ConfigMaps and Secrets are understood, the rest is 415.
    try {
      return checkTypeAndFields(r, decodeKubeProtobuf(await readBody(r.req)) as KubeObject);
    } catch (e) {
      if (e instanceof ProtobufUnsupported) throw unsupported();
      throw e;
    }
  }
  if (ct !== 'application/json' && !isYaml && ct !== '') throw unsupported();
  const text = (await readBody(r.req)).toString('utf8');
  let obj: unknown;
  try {
    obj = isYaml ? loadYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`the object provided is unrecognized (must be of type ${r.def.kind}): couldn't get version/kind; ${describeJsonError(text, e)}`);
  }
  if (!isPlainObject(obj)) throw badRequest(`the object provided is unrecognized (must be of type ${r.def.kind}): couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(obj) ? 'array' : typeof obj} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  return checkTypeAndFields(r, obj as KubeObject);
}

function checkTypeAndFields(r: ResourceRequest, obj: KubeObject): KubeObject {
  const want = apiVersionOf(r.def);
  if (obj.apiVersion && obj.apiVersion !== want && !(r.subresource === 'scale')) {
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${want})`);
  }
  if (obj.kind && obj.kind !== r.def.kind && r.subresource !== 'scale') {
    throw badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${r.def.kind})`);
  }
  if (r.subresource !== 'scale') {
    const unknown = unknownFields(r.def, obj);
    if (unknown.length) {
      const mode = r.query.get('fieldValidation') ?? 'Warn';
      if (mode === 'Strict') {
        throw badRequest(`${r.def.kind} in version "${r.def.version}" cannot be handled as a ${r.def.kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`);
      }
      dropFields(obj, unknown);
      if (mode === 'Warn') r.res.setHeader('Warning', unknown.map((u) => `299 - "unknown field \\"${u}\\""`).join(', '));
    }
  }
  obj.metadata ??= {} as KubeObject['metadata'];
  return obj;
}

function checkNamespace(r: ResourceRequest, obj: KubeObject): void {
  if (!r.def.namespaced) return;
  if (obj.metadata.namespace && obj.metadata.namespace !== r.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  obj.metadata.namespace = r.namespace;
}

export function handleGet(r: ResourceRequest): void {
  const o = r.store.getShared(r.def, r.namespace, r.name!);
  if (!o) throw notFound(r.def, r.name!);
  if (wantsTable(r.req)) sendJson(r.res, 200, toTable(r.def, [o], r.store.clockNow(), r.query, { resourceVersion: o.metadata.resourceVersion }));
  else sendRaw(r.res, 200, objectJson(o), 'application/json');
}

export async function handleList(r: ResourceRequest): Promise<void> {
  const q = r.query;
  const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
  const match = q.get('resourceVersionMatch') ?? undefined;
  if (match && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
  }
  const page = r.store.listPage(r.def, {
    namespace: r.def.namespaced ? r.namespace : undefined,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
    limit: limit !== undefined && Number.isFinite(limit) ? limit : undefined,
    continue: q.get('continue') ?? undefined,
    resourceVersion: q.get('resourceVersion') ?? undefined,
    resourceVersionMatch: match as 'Exact' | 'NotOlderThan' | undefined,
  });
  const meta: Record<string, unknown> = { resourceVersion: page.resourceVersion };
  if (page.continue) meta.continue = page.continue;
  if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
  if (wantsTable(r.req)) {
    sendJson(r.res, 200, toTable(r.def, page.items, r.store.clockNow(), r.query, meta));
    return;
  }
  if (page.items.length <= STREAM_LIST_OVER) {
    const body = listBody(r.def, page.items, meta);
    r.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) });
    r.res.end(body);
    return;
  }
  await streamList(r, page.items, meta);
}

/** Large lists are written in chunks (chunked encoding) instead of one body string: a 10,000-pod list is ~25 MB. */
const STREAM_LIST_OVER = 500;

async function streamList(r: ResourceRequest, items: KubeObject[], meta: Record<string, unknown>): Promise<void> {
  const keepTypeMeta = r.def.group === 'gateway.networking.k8s.io';
  const res = r.res;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.write(`{"kind":"${r.def.kind}List","apiVersion":"${apiVersionOf(r.def)}","metadata":${JSON.stringify(meta)},"items":[`);
  for (let i = 0; i < items.length; i += 200) {
    const chunk = items.slice(i, i + 200).map((o) => listItemJson(o, keepTypeMeta)).join(',');
    const more = res.write(i === 0 ? chunk : `,${chunk}`);
    // Respect back-pressure so a slow client does not make the whole list sit in memory again.
    if (!more && !res.destroyed) {
      await new Promise<void>((resolve) => {
        const done = () => { res.off('drain', done); res.off('close', done); resolve(); };
        res.on('drain', done);
        res.on('close', done);
      });
    }
    if (res.destroyed) return;
  }
  res.end(']}');
}

export async function handleCreate(r: ResourceRequest): Promise<void> {
  const obj = await parseObjectBody(r);
  checkNamespace(r, obj);
  const created = r.store.create(r.def, obj, { dryRun: isDryRun(r.query) });
  sendJson(r.res, 201, created);
}

export async function handleUpdate(r: ResourceRequest): Promise<void> {
  const obj = await parseObjectBody(r);
  checkNamespace(r, obj);
  if (obj.metadata.name && obj.metadata.name !== r.name) {
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${r.name})`);
  }
  obj.metadata.name = r.name!;
  const dryRun = isDryRun(r.query);
  const updated = r.subresource === 'status' ? r.store.updateStatus(r.def, obj, { dryRun }) : r.store.update(r.def, obj, { dryRun });
  sendJson(r.res, 200, updated);
}

/** Applies a PATCH body of any supported content type to `current`; `current` is not modified. */
export function applyPatch(contentType: string, current: unknown, body: string): unknown {
  let patch: unknown;
  try {
    patch = contentType === 'application/apply-patch+yaml' ? loadYaml(body) : JSON.parse(body);
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
  switch (contentType) {
    case 'application/json-patch+json':
      try {
        return applyJsonPatch(current, patch);
      } catch (e) {
        if (e instanceof JsonPatchError) throw invalidGeneric();
        throw e;
      }
    case 'application/merge-patch+json':
      if (!isPlainObject(patch)) throw badRequest('error decoding patch: a merge patch must be a JSON object');
      return applyMergePatch(current, patch);
    case 'application/strategic-merge-patch+json':
    case 'application/apply-patch+yaml':
      if (!isPlainObject(patch)) throw badRequest('error decoding patch: a strategic merge patch must be a JSON object');
      try {
        return applyStrategicMergePatch(current, patch);
      } catch (e) {
        if (e instanceof StrategicPatchError) throw badRequest(e.message);
        throw e;
      }
    default:
      throw unsupportedMediaType();
  }
}

export function patchContentType(req: IncomingMessage): string {
  const ct = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!PATCH_TYPES.has(ct)) throw unsupportedMediaType();
  return ct;
}

/** Each field manager's last server-side applied configuration, by object uid (see patch/apply-patch.ts). */
const lastApplied = new Map<string, Record<string, unknown>>();

function parseApplied(body: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = loadYaml(body);
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isPlainObject(v)) throw badRequest('error decoding patch: an apply configuration must be an object');
  return v;
}

export async function handlePatch(r: ResourceRequest): Promise<void> {
  const ct = patchContentType(r.req);
  const body = (await readBody(r.req)).toString('utf8');
  const dryRun = isDryRun(r.query);
  const current = r.store.getShared(r.def, r.namespace, r.name!);
  if (!current) {
    if (ct !== 'application/apply-patch+yaml') throw notFound(r.def, r.name!);
    // Server-side apply of an absent object creates it.
    const manager = r.query.get('fieldManager');
    if (!manager) throw badRequest('PATCH requests with apply-patch+yaml content type require a fieldManager query parameter');
    const applied = parseApplied(body);
    const obj = checkTypeAndFields(r, structuredClone(applied) as KubeObject);
    checkNamespace(r, obj);
    obj.metadata.name ??= r.name!;
    const created = r.store.create(r.def, obj, { dryRun });
    if (!dryRun) lastApplied.set(`${created.metadata.uid}/${manager}`, applied);
    sendJson(r.res, 201, created);
    return;
  }
  let patched: unknown;
  if (ct === 'application/apply-patch+yaml') {
    const manager = r.query.get('fieldManager');
    if (!manager) throw badRequest('PATCH requests with apply-patch+yaml content type require a fieldManager query parameter');
    const applied = parseApplied(body);
    const key = `${current.metadata.uid}/${manager}`;
    const removals = removalPatch(lastApplied.get(key), applied);
    patched = applyStrategicMergePatch(removals ? applyStrategicMergePatch(current, removals) : current, applied);
    if (!dryRun) lastApplied.set(key, applied);
  } else {
    patched = applyPatch(ct, current, body);
  }
  if (!isPlainObject(patched)) throw invalidGeneric();
  const obj = patched as KubeObject;
  obj.metadata = { ...(isPlainObject(obj.metadata) ? obj.metadata : {}), name: r.name!, namespace: current.metadata.namespace } as KubeObject['metadata'];
  if (!current.metadata.namespace) delete obj.metadata.namespace;
  // A patch carrying metadata.uid/resourceVersion makes them preconditions (checked by the store); otherwise the current ones apply.
  const updated = r.subresource === 'status' ? r.store.updateStatus(r.def, obj, { dryRun }) : r.store.update(r.def, obj, { dryRun });
  sendJson(r.res, 200, updated);
}

async function deleteOptions(r: ResourceRequest): Promise<DeleteOptions> {
  const q = r.query;
  const text = (await readBody(r.req)).toString('utf8').trim();
  let body: Record<string, any> = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw badRequest(`the object provided is unrecognized (must be of type DeleteOptions): couldn't get version/kind; ${describeJsonError(text, e)}`);
    }
  }
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  let policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as PropagationPolicy | undefined;
  const orphan = q.get('orphanDependents') ?? body.orphanDependents;
  if (!policy && orphan !== undefined && orphan !== null) policy = String(orphan) === 'true' ? 'Orphan' : 'Background';
  if (policy && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw new ApiError(422, 'Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`, {
      kind: 'DeleteOptions', group: 'meta.k8s.io', causes: [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan", "nil"`, field: 'propagationPolicy' }],
    });
  }
  const dryRun = isDryRun(q) || (Array.isArray(body.dryRun) && body.dryRun.includes('All'));
  return {
    gracePeriodSeconds: grace !== undefined && grace !== null ? Number(grace) : undefined,
    propagationPolicy: policy,
    preconditions: body.preconditions,
    dryRun,
  };
}

export async function handleDelete(r: ResourceRequest): Promise<void> {
  const opts = await deleteOptions(r);
  const result = r.store.delete(r.def, r.namespace, r.name!, opts);
  if (!result) throw notFound(r.def, r.name!);
  const stillThere = !opts.dryRun && r.store.getShared(r.def, r.namespace, r.name!);
  if (stillThere) {
    sendJson(r.res, 202, stillThere);
    return;
  }
  if (r.def.group === '' && r.def.resource === 'pods') {
    sendJson(r.res, 200, result);
    return;
  }
  sendJson(r.res, 200, {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success',
    details: { name: r.name, ...(r.def.group ? { group: r.def.group } : {}), kind: r.def.resource, uid: result.metadata.uid },
  });
}

export async function handleDeleteCollection(r: ResourceRequest): Promise<void> {
  const opts = await deleteOptions(r);
  const q = r.query;
  const targets = r.store.listShared(r.def, {
    namespace: r.def.namespaced ? r.namespace : undefined,
    labelSelector: q.get('labelSelector') ?? undefined,
    fieldSelector: q.get('fieldSelector') ?? undefined,
  });
  const deleted: KubeObject[] = [];
  for (const o of targets) {
    const d = r.store.delete(r.def, o.metadata.namespace, o.metadata.name, { ...opts, preconditions: undefined });
    if (d) deleted.push(d);
  }
  const body = listBody(r.def, deleted, { resourceVersion: r.store.currentResourceVersion() });
  r.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  r.res.end(body);
}
