// A minimal OpenAPI v3 surface: enough for kubectl to learn that the server validates fields itself (fieldValidation on
// PATCH of each kind), so `kubectl apply`/`create` use server-side validation instead of downloading full schemas.
// No component schemas: kubectl then computes strategic merge patches from its compiled-in types, as with any server.
import { createHash } from 'node:crypto';
import type { ResourceDef } from '../store/resources';
import { RESOURCES } from '../store/resources';

function gvPath(r: Pick<ResourceDef, 'group' | 'version'>): string {
  return r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force', 'pretty'];

function operation(r: ResourceDef, verb: string): Record<string, unknown> {
  return {
    operationId: `${verb}${r.kind}`,
    parameters: QUERY_PARAMS.map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } })),
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': verb,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

function gvDoc(group: string, version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCES.filter((x) => x.group === group && x.version === version)) {
    const base = `/${gvPath(r)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    paths[base] = { post: operation(r, 'post') };
    paths[`${base}/{name}`] = { put: operation(r, 'put'), patch: operation(r, 'patch') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes (kube-sim)', version: 'v1.32.13' }, paths, components: {} };
}

const docs = new Map<string, { body: string; hash: string }>();
for (const r of RESOURCES) {
  const key = gvPath(r);
  if (docs.has(key)) continue;
  const body = JSON.stringify(gvDoc(r.group, r.version));
  docs.set(key, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
}

export function openApiV3Root(): unknown {
  const paths: Record<string, unknown> = {};
  for (const [key, d] of docs) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
  return { paths };
}

/** The document for "apis/apps/v1" / "api/v1", or undefined. */
export function openApiV3Doc(path: string): string | undefined {
  return docs.get(path)?.body;
}
