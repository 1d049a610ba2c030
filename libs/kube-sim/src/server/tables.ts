// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns kube-apiserver prints per kind.
import type { IncomingMessage } from 'node:http';
import type { ResourceDef } from '../store/resources';
import { formatLabelSelector } from '../store/selectors';
import type { KubeObject } from '../store/store.types';

type Obj = Record<string, any>;
type Cell = string | number;
interface Column { name: string; type: 'string' | 'integer' | 'date'; format?: string; priority?: number }

export function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? '');
}

/** duration.HumanDuration from k8s.io/apimachinery, as `kubectl get` shows ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function age(o: KubeObject, now: number): string {
  const t = o.metadata.creationTimestamp;
  return t ? humanDuration(now - Date.parse(t)) : '<unknown>';
}

function podStatus(p: Obj): string {
  let reason: string = p.status?.reason ?? p.status?.phase ?? 'Unknown';
  let initializing = false;
  const inits: Obj[] = p.status?.initContainerStatuses ?? [];
  const initSpecs: Obj[] = p.spec?.initContainers ?? [];
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i].state ?? {};
    if (s.terminated?.exitCode === 0) continue;
    if (s.terminated) reason = s.terminated.reason ? `Init:${s.terminated.reason}` : s.terminated.signal ? `Init:Signal:${s.terminated.signal}` : `Init:ExitCode:${s.terminated.exitCode}`;
    else if (s.waiting?.reason && s.waiting.reason !== 'PodInitializing') reason = `Init:${s.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs: Obj[] = p.status?.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const s = cs[i].state ?? {};
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated?.reason) reason = s.terminated.reason;
      else if (s.terminated) reason = s.terminated.signal ? `Signal:${s.terminated.signal}` : `ExitCode:${s.terminated.exitCode}`;
      else if (s.running && cs[i].ready) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (p.metadata?.deletionTimestamp) reason = p.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRestarts(p: Obj, now: number): string {
  let restarts = 0;
  let last: number | undefined;
  for (const s of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])] as Obj[]) {
    restarts += s.restartCount ?? 0;
    const fin = s.lastState?.terminated?.finishedAt;
    if (fin) last = Math.max(last ?? 0, Date.parse(fin));
  }
  return restarts && last ? `${restarts} (${humanDuration(now - last)} ago)` : String(restarts);
}

function images(o: Obj): [string, string] {
  const cs: Obj[] = o.spec?.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

function servicePorts(s: Obj): string {
  const ports: Obj[] = s.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

interface Printer { columns: Column[]; cells(o: Obj, now: number): Cell[] }

const name: Column = { name: 'Name', type: 'string', format: 'name' };
const ageCol: Column = { name: 'Age', type: 'string' };

const PRINTERS: Record<string, Printer> = {
  pods: {
    columns: [name, { name: 'Ready', type: 'string' }, { name: 'Status', type: 'string' }, { name: 'Restarts', type: 'string' }, ageCol,
      { name: 'IP', type: 'string', priority: 1 }, { name: 'Node', type: 'string', priority: 1 },
      { name: 'Nominated Node', type: 'string', priority: 1 }, { name: 'Readiness Gates', type: 'string', priority: 1 }],
    cells: (p, now) => {
      const cs: Obj[] = p.status?.containerStatuses ?? [];
      const total = (p.spec?.containers ?? []).length;
      return [p.metadata.name, `${cs.filter((c) => c.ready).length}/${total}`, podStatus(p), podRestarts(p, now), age(p as KubeObject, now),
        p.status?.podIP ?? '<none>', p.spec?.nodeName ?? '<none>', p.status?.nominatedNodeName ?? '<none>', '<none>'];
    },
  },
  'apps/deployments': {
    columns: [name, { name: 'Ready', type: 'string' }, { name: 'Up-to-date', type: 'integer' }, { name: 'Available', type: 'integer' }, ageCol,
      { name: 'Containers', type: 'string', priority: 1 }, { name: 'Images', type: 'string', priority: 1 }, { name: 'Selector', type: 'string', priority: 1 }],
    cells: (d, now) => [d.metadata.name, `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0, age(d as KubeObject, now), ...images(d), formatLabelSelector(d.spec?.selector)],
  },
  'apps/replicasets': {
    columns: [name, { name: 'Desired', type: 'integer' }, { name: 'Current', type: 'integer' }, { name: 'Ready', type: 'integer' }, ageCol,
      { name: 'Containers', type: 'string', priority: 1 }, { name: 'Images', type: 'string', priority: 1 }, { name: 'Selector', type: 'string', priority: 1 }],
    cells: (r, now) => [r.metadata.name, r.spec?.replicas ?? 0, r.status?.replicas ?? 0, r.status?.readyReplicas ?? 0, age(r as KubeObject, now),
      ...images(r), formatLabelSelector(r.spec?.selector)],
  },
  'batch/jobs': {
    columns: [name, { name: 'Status', type: 'string' }, { name: 'Completions', type: 'string' }, { name: 'Duration', type: 'string' }, ageCol],
    cells: (j, now) => {
      const conds: Obj[] = j.status?.conditions ?? [];
      const has = (t: string) => conds.some((c) => c.type === t && c.status === 'True');
      const status = has('Complete') ? 'Complete' : has('Failed') ? 'Failed' : j.metadata.deletionTimestamp ? 'Terminating' : j.spec?.suspend ? 'Suspended' : 'Running';
      const start = j.status?.startTime ? Date.parse(j.status.startTime) : undefined;
      const end = j.status?.completionTime ? Date.parse(j.status.completionTime) : now;
      return [j.metadata.name, status, `${j.status?.succeeded ?? 0}/${j.spec?.completions ?? 1}`, start ? humanDuration(end - start) : '', age(j as KubeObject, now)];
    },
  },
  services: {
    columns: [name, { name: 'Type', type: 'string' }, { name: 'Cluster-IP', type: 'string' }, { name: 'External-IP', type: 'string' },
      { name: 'Port(s)', type: 'string' }, ageCol, { name: 'Selector', type: 'string', priority: 1 }],
    cells: (s, now) => [s.metadata.name, s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP ?? '<none>',
      s.spec?.type === 'LoadBalancer' ? '<pending>' : '<none>', servicePorts(s), age(s as KubeObject, now),
      s.spec?.selector ? Object.entries(s.spec.selector).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>'],
  },
  nodes: {
    columns: [name, { name: 'Status', type: 'string' }, { name: 'Roles', type: 'string' }, ageCol, { name: 'Version', type: 'string' }],
    cells: (n, now) => {
      const ready = (n.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
      return [n.metadata.name, ready?.status === 'True' ? 'Ready' : 'NotReady', '<none>', age(n as KubeObject, now), n.status?.nodeInfo?.kubeletVersion ?? ''];
    },
  },
  namespaces: {
    columns: [name, { name: 'Status', type: 'string' }, ageCol],
    cells: (n, now) => [n.metadata.name, n.status?.phase ?? 'Active', age(n as KubeObject, now)],
  },
  events: {
    columns: [{ name: 'Last Seen', type: 'string' }, { name: 'Type', type: 'string' }, { name: 'Reason', type: 'string' },
      { name: 'Object', type: 'string' }, { name: 'Message', type: 'string' }],
    cells: (e, now) => {
      const last = e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
      const io = e.involvedObject ?? {};
      return [last ? humanDuration(now - Date.parse(last)) : '<unknown>', e.type ?? '', e.reason ?? '', `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, e.message ?? ''];
    },
  },
  endpoints: {
    columns: [name, { name: 'Endpoints', type: 'string' }, ageCol],
    cells: (e, now) => {
      const eps: string[] = [];
      for (const s of (e.subsets ?? []) as Obj[]) for (const a of (s.addresses ?? []) as Obj[]) for (const p of (s.ports ?? [{}]) as Obj[]) eps.push(p.port ? `${a.ip}:${p.port}` : a.ip);
      return [e.metadata.name, eps.length ? eps.slice(0, 3).join(',') + (eps.length > 3 ? ` + ${eps.length - 3} more...` : '') : '<none>', age(e as KubeObject, now)];
    },
  },
  configmaps: {
    columns: [name, { name: 'Data', type: 'integer' }, ageCol],
    cells: (c, now) => [c.metadata.name, Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length, age(c as KubeObject, now)],
  },
  secrets: {
    columns: [name, { name: 'Type', type: 'string' }, { name: 'Data', type: 'integer' }, ageCol],
    cells: (s, now) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s as KubeObject, now)],
  },
};

const DEFAULT: Printer = { columns: [name, ageCol], cells: (o, now) => [o.metadata.name, age(o as KubeObject, now)] };

function printerFor(def: ResourceDef): Printer {
  return PRINTERS[def.group ? `${def.group}/${def.resource}` : def.resource] ?? DEFAULT;
}

function rowObject(o: KubeObject, include: string | null): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(def: ResourceDef, objects: KubeObject[], now: number, query: URLSearchParams, meta: Record<string, unknown>, withColumns = true): unknown {
  const p = printerFor(def);
  const include = query.get('includeObject');
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0 })) : null,
    rows: objects.map((o) => ({ cells: p.cells(o as Obj, now), object: rowObject(o, include) })),
  };
}
