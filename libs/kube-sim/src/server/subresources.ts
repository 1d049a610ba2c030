// /scale (autoscaling/v1 Scale) and /log subresources.
import { ApiError, badRequest, goString, invalid, notFound } from '../store/api-error';
import type { FieldError } from '../store/api-error';
import { formatLabelSelector } from '../store/selectors';
import type { KubeObject } from '../store/store.types';
import { readBody, sendJson, sendRaw } from './http-util';
import type { ResourceRequest } from './resource-handlers';
import { applyPatch, patchContentType } from './resource-handlers';
import { describeJsonError } from './http-util';

function toScale(o: KubeObject): KubeObject {
  const m = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: formatLabelSelector(o.spec?.selector) },
  };
}

const SCALE_DEF = { group: 'autoscaling', kind: 'Scale' };

function applyScale(r: ResourceRequest, scale: KubeObject): void {
  const replicas = scale.spec?.replicas;
  const errs: FieldError[] = [];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    errs.push({ type: 'FieldValueInvalid', field: 'spec.replicas', value: typeof replicas === 'string' ? goString(replicas) : String(replicas), detail: 'must be greater than or equal to 0' });
  }
  if (errs.length) throw invalid(SCALE_DEF, r.name!, errs);
  const current = r.store.getShared(r.def, r.namespace, r.name!);
  if (!current) throw notFound(r.def, r.name!);
  const rv = scale.metadata?.resourceVersion;
  const next = { ...current, metadata: { ...current.metadata, resourceVersion: rv || current.metadata.resourceVersion }, spec: { ...current.spec, replicas } };
  const updated = r.store.update(r.def, next as KubeObject, { dryRun: r.query.getAll('dryRun').includes('All') });
  sendJson(r.res, 200, toScale(updated));
}

export async function handleScale(r: ResourceRequest, verb: 'get' | 'update' | 'patch'): Promise<void> {
  const current = r.store.getShared(r.def, r.namespace, r.name!);
  if (verb === 'get') {
    if (!current) throw notFound(r.def, r.name!);
    sendJson(r.res, 200, toScale(current));
    return;
  }
  if (verb === 'update') {
    const text = (await readBody(r.req)).toString('utf8');
    let body: KubeObject;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw badRequest(`the object provided is unrecognized (must be of type Scale): couldn't get version/kind; ${describeJsonError(text, e)}`);
    }
    if (!current) throw notFound(r.def, r.name!);
    applyScale(r, body);
    return;
  }
  const ct = patchContentType(r.req);
  const text = (await readBody(r.req)).toString('utf8');
  if (!current) throw notFound(r.def, r.name!);
  applyScale(r, applyPatch(ct, toScale(current), text) as KubeObject);
}

function logLines(pod: KubeObject, name: string, image: string): string[] {
  const statuses: any[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const st = statuses.find((s) => s.name === name);
  if (!st) return [];
  const lines: string[] = [];
  const prev = st.lastState?.terminated;
  const started = st.state?.running?.startedAt ?? st.state?.terminated?.startedAt;
  if (started) lines.push(`${started} kube-sim: container ${name} started (image ${image})`);
  else if (prev?.startedAt) lines.push(`${prev.startedAt} kube-sim: container ${name} started (image ${image})`);
  if (st.ready) lines.push(`${started ?? ''} kube-sim: ${name} is ready`);
  const term = st.state?.terminated;
  if (term) lines.push(`${term.finishedAt ?? ''} kube-sim: ${name} exited with code ${term.exitCode}`);
  return lines;
}

/**
 * Synthesized container logs: what the simulated container "printed", from its status. `follow=true` keeps the stream
 * open and adds lines as the status changes, until the pod is gone or the client leaves.
 */
export function handleLog(r: ResourceRequest): void {
  const pod = r.store.getShared(r.def, r.namespace, r.name!);
  if (!pod) throw notFound(r.def, r.name!);
  const containers: { name: string; image?: string }[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let name = r.query.get('container');
  if (!name) {
    const app = pod.spec?.containers ?? [];
    if (app.length !== 1) {
      throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${app.map((c: { name: string }) => c.name).join(' ')}]`);
    }
    name = app[0].name as string;
  }
  const c = containers.find((x) => x.name === name);
  if (!c) throw badRequest(`container ${name} is not valid for pod ${pod.metadata.name}`);
  const statuses: any[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const st = statuses.find((s) => s.name === name);
  const started = st?.state?.running?.startedAt ?? st?.state?.terminated?.startedAt ?? st?.lastState?.terminated?.startedAt;
  if (!st || (!started && st.state?.waiting)) {
    const reason = st?.state?.waiting?.reason ?? 'PodInitializing';
    throw new ApiError(400, 'BadRequest', `container "${name}" in pod "${pod.metadata.name}" is waiting to start: ${reason === 'ContainerCreating' || reason === 'PodInitializing' ? reason : `trying and failing to pull image`}`);
  }
  const image = c.image ?? '';
  const lines = logLines(pod, name, image);
  const tail = r.query.get('tailLines');
  const out = tail ? lines.slice(-Number(tail)) : lines;
  const follow = r.query.get('follow') === 'true' || r.query.get('follow') === '1';
  if (!follow) {
    sendRaw(r.res, 200, out.map((l) => `${l}\n`).join(''), 'text/plain');
    return;
  }
  const res = r.res;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.write(out.map((l) => `${l}\n`).join(''));
  let sent = lines.length;
  const uid = pod.metadata.uid;
  const containerName = name;
  const unsubscribe = r.store.subscribe((e) => {
    if (e.object.metadata.uid !== uid) return;
    if (e.type === 'DELETED') { unsubscribe(); res.end(); return; }
    const now = logLines(e.object, containerName, image);
    // A restart starts a new log; otherwise only the new lines are sent.
    if (now.length < sent) sent = 0;
    for (const l of now.slice(sent)) res.write(`${l}\n`);
    sent = now.length;
  });
  res.on('close', unsubscribe);
}
