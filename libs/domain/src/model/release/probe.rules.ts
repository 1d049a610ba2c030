// Liveness, readiness and startup probes: exactly one handler, Kubernetes' numeric bounds and defaults.
import type { HttpHeader, PortRef, Probe } from './release.types';
import { isIanaSvcName } from './k8s-syntax.rules';
import { Issues, at, exactlyOne, idx, isAbsent, readArray, readEnum, readInt, readObject, readString, readStringList } from './validation.rules';

export type ProbeKind = 'livenessProbe' | 'readinessProbe' | 'startupProbe';

const INT32_MAX = 2_147_483_647;
const HANDLERS = ['httpGet', 'tcpSocket', 'exec', 'grpc'] as const;
const PROBE_FIELDS = [
  ...HANDLERS,
  'initialDelaySeconds',
  'timeoutSeconds',
  'periodSeconds',
  'successThreshold',
  'failureThreshold',
  'terminationGracePeriodSeconds',
];

/** A port number, or the name of a port this container declares (otherwise the kubelet fails the probe forever). */
function readPortRef(v: unknown, path: string, issues: Issues, portNames: ReadonlySet<string>): PortRef | undefined {
  if (isAbsent(v)) {
    issues.add(path, 'required', 'is required');
    return undefined;
  }
  if (typeof v === 'number') return readInt(v, path, issues, { min: 1, max: 65535 });
  if (typeof v !== 'string') {
    issues.add(path, 'type', 'must be a port number or a port name');
    return undefined;
  }
  if (!isIanaSvcName(v)) {
    issues.add(path, 'iana-svc-name', 'a port name must be ≤15 lowercase alphanumerics or "-", with a letter, no "--"');
    return undefined;
  }
  if (!portNames.has(v)) {
    issues.add(path, 'port-exists', `must name a port of this container ("${v}" is not one)`);
    return undefined;
  }
  return v;
}

function readHeaders(v: unknown, path: string, issues: Issues): HttpHeader[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const out = list.map((item, i): HttpHeader => {
    const p = idx(path, i);
    const o = readObject(item, p, ['name', 'value'], issues, { required: true });
    if (!o) return { name: '', value: '' };
    const name = readString(o.name, at(p, 'name'), issues, {
      required: true,
      check: { rule: 'pattern', test: (s) => /^[-A-Za-z0-9]+$/.test(s), message: 'must be an HTTP header name' },
    });
    const value = readString(o.value, at(p, 'value'), issues) ?? '';
    return { name: name ?? '', value };
  });
  return out.length ? out : undefined;
}

export function readProbe(
  v: unknown,
  path: string,
  kind: ProbeKind,
  issues: Issues,
  portNames: ReadonlySet<string>,
): Probe | undefined {
  const o = readObject(v, path, PROBE_FIELDS, issues);
  if (!o) return undefined;
  const probe: Probe = {
    initialDelaySeconds: readInt(o.initialDelaySeconds, at(path, 'initialDelaySeconds'), issues, { min: 0, max: INT32_MAX }) ?? 0,
    timeoutSeconds: readInt(o.timeoutSeconds, at(path, 'timeoutSeconds'), issues, { min: 1, max: INT32_MAX }) ?? 1,
    periodSeconds: readInt(o.periodSeconds, at(path, 'periodSeconds'), issues, { min: 1, max: INT32_MAX }) ?? 10,
    // Liveness and startup probes only make sense with one success (Kubernetes refuses anything else).
    successThreshold:
      readInt(o.successThreshold, at(path, 'successThreshold'), issues, { min: 1, max: kind === 'readinessProbe' ? INT32_MAX : 1 }) ?? 1,
    failureThreshold: readInt(o.failureThreshold, at(path, 'failureThreshold'), issues, { min: 1, max: INT32_MAX }) ?? 3,
  };
  if (!isAbsent(o.terminationGracePeriodSeconds)) {
    if (kind === 'readinessProbe') {
      issues.add(at(path, 'terminationGracePeriodSeconds'), 'forbidden', 'is only allowed on liveness and startup probes');
    } else {
      const t = readInt(o.terminationGracePeriodSeconds, at(path, 'terminationGracePeriodSeconds'), issues, { min: 1, max: INT32_MAX });
      if (t !== undefined) probe.terminationGracePeriodSeconds = t;
    }
  }
  const handler = exactlyOne(o, HANDLERS, path, issues);
  switch (handler) {
    case 'httpGet': {
      const p = at(path, 'httpGet');
      const h = readObject(o.httpGet, p, ['path', 'port', 'host', 'scheme', 'httpHeaders'], issues);
      if (!h) break;
      const port = readPortRef(h.port, at(p, 'port'), issues, portNames);
      const host = readString(h.host, at(p, 'host'), issues);
      const headers = readHeaders(h.httpHeaders, at(p, 'httpHeaders'), issues);
      probe.httpGet = {
        path: readString(h.path, at(p, 'path'), issues) || '/',
        port: port ?? 0,
        scheme: readEnum(h.scheme, at(p, 'scheme'), ['HTTP', 'HTTPS'] as const, issues) ?? 'HTTP',
        ...(host ? { host } : {}),
        ...(headers ? { httpHeaders: headers } : {}),
      };
      break;
    }
    case 'tcpSocket': {
      const p = at(path, 'tcpSocket');
      const t = readObject(o.tcpSocket, p, ['port', 'host'], issues);
      if (!t) break;
      const host = readString(t.host, at(p, 'host'), issues);
      probe.tcpSocket = { port: readPortRef(t.port, at(p, 'port'), issues, portNames) ?? 0, ...(host ? { host } : {}) };
      break;
    }
    case 'exec': {
      const p = at(path, 'exec');
      const e = readObject(o.exec, p, ['command'], issues);
      if (!e) break;
      const command = readStringList(e.command, at(p, 'command'), issues);
      if (!command) issues.add(at(p, 'command'), 'required', 'must list the command to run');
      probe.exec = { command: command ?? [] };
      break;
    }
    case 'grpc': {
      const p = at(path, 'grpc');
      const g = readObject(o.grpc, p, ['port', 'service'], issues);
      if (!g) break;
      const service = readString(g.service, at(p, 'service'), issues);
      probe.grpc = { port: readInt(g.port, at(p, 'port'), issues, { required: true, min: 1, max: 65535 }) ?? 0, ...(service ? { service } : {}) };
      break;
    }
    default:
      break;
  }
  return probe;
}
