// One container (app or init) of a pod spec.
import type { Container, ContainerPort, PullPolicy, ResourceRequirements, VolumeMount } from './release.types';
import { readEnv, readEnvFrom } from './env.rules';
import { MAX_IMAGE_LENGTH, isAbsolutePath, isDns1123Label, isIanaSvcName, isImageReference, isQualifiedName, isSafeRelativePath } from './k8s-syntax.rules';
import { type ProbeKind, readProbe } from './probe.rules';
import { compareQuantities, parseQuantity } from './quantity.rules';
import {
  Issues,
  at,
  checkUnique,
  idx,
  isAbsent,
  isPlainObject,
  readArray,
  readBool,
  readEnum,
  readInt,
  readObject,
  readString,
  readStringList,
} from './validation.rules';

/** What a container may refer to elsewhere in its pod, and where pod-wide uniqueness is collected. */
export interface PodScope {
  volumeNames: ReadonlySet<string>;
  containerNames: ReadonlySet<string>;
  /** Port names must be unique across the whole pod: every container adds its own here. */
  portNames: Array<{ name: string | undefined; path: string }>;
}

const CONTAINER_FIELDS = [
  'name',
  'image',
  'imagePullPolicy',
  'command',
  'args',
  'env',
  'envFrom',
  'ports',
  'resources',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'volumeMounts',
];
const PROBES: readonly ProbeKind[] = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];
const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** Kubernetes' default: `Always` for `:latest` or an untagged image, `IfNotPresent` for a tag or a digest. */
export function defaultPullPolicy(image: string): PullPolicy {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function isResourceName(name: string): boolean {
  if (STANDARD_RESOURCES.has(name)) return true;
  if (name.startsWith('hugepages-')) return parseQuantity(name.slice('hugepages-'.length)) !== undefined;
  // Extended resources (e.g. nvidia.com/gpu) are always domain-qualified.
  return name.includes('/') && isQualifiedName(name);
}

function readResourceList(v: unknown, path: string, issues: Issues): Record<string, string> | undefined {
  if (isAbsent(v)) return undefined;
  if (!isPlainObject(v)) {
    issues.add(path, 'type', 'must be an object of resource quantities');
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [name, q] of Object.entries(v)) {
    const p = at(path, name);
    if (!isResourceName(name)) {
      issues.add(p, 'resource-name', 'must be cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource');
    } else if (typeof q !== 'string' || parseQuantity(q) === undefined) {
      issues.add(p, 'quantity', 'must be a non-negative quantity string such as "100m", "1", "128Mi" or "1Gi"');
    } else {
      out[name] = q;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function readResources(v: unknown, path: string, issues: Issues): ResourceRequirements | undefined {
  const o = readObject(v, path, ['requests', 'limits'], issues);
  if (!o) return undefined;
  const requests = readResourceList(o.requests, at(path, 'requests'), issues);
  const limits = readResourceList(o.limits, at(path, 'limits'), issues);
  for (const [name, limit] of Object.entries(limits ?? {})) {
    const request = requests?.[name];
    if (request === undefined) continue;
    const [l, r] = [parseQuantity(limit), parseQuantity(request)];
    if (l && r && compareQuantities(l, r) < 0) {
      issues.add(at(at(path, 'requests'), name), 'limits-gte-requests', `request ${request} exceeds the limit ${limit}`);
    }
  }
  if (!requests && !limits) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

function readPorts(v: unknown, path: string, issues: Issues, scope: PodScope): ContainerPort[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const out = list.map((item, i): ContainerPort => {
    const p = idx(path, i);
    const o = readObject(item, p, ['name', 'containerPort', 'protocol'], issues, { required: true });
    if (!o) return { containerPort: 0, protocol: 'TCP' };
    const name = readString(o.name, at(p, 'name'), issues, {
      check: {
        rule: 'iana-svc-name',
        test: isIanaSvcName,
        message: 'must be ≤15 lowercase alphanumerics or "-", contain a letter, and not start, end or repeat "-"',
      },
    });
    scope.portNames.push({ name, path: at(p, 'name') });
    return {
      containerPort: readInt(o.containerPort, at(p, 'containerPort'), issues, { required: true, min: 1, max: 65535 }) ?? 0,
      protocol: readEnum(o.protocol, at(p, 'protocol'), ['TCP', 'UDP', 'SCTP'] as const, issues) ?? 'TCP',
      ...(name ? { name } : {}),
    };
  });
  return out.length ? out : undefined;
}

function readVolumeMounts(v: unknown, path: string, issues: Issues, scope: PodScope): VolumeMount[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const mountPaths: Array<{ name: string | undefined; path: string }> = [];
  const out = list.map((item, i): VolumeMount => {
    const p = idx(path, i);
    const o = readObject(item, p, ['name', 'mountPath', 'subPath', 'readOnly'], issues, { required: true });
    if (!o) return { name: '', mountPath: '' };
    const name = readString(o.name, at(p, 'name'), issues, {
      required: true,
      check: { rule: 'volume-exists', test: (n) => scope.volumeNames.has(n), message: 'must name a volume of this pod spec' },
    });
    const mountPath = readString(o.mountPath, at(p, 'mountPath'), issues, {
      required: true,
      check: { rule: 'absolute-path', test: isAbsolutePath, message: 'must be an absolute path' },
    });
    mountPaths.push({ name: mountPath, path: at(p, 'mountPath') });
    const subPath = readString(o.subPath, at(p, 'subPath'), issues, {
      check: { rule: 'relative-path', test: isSafeRelativePath, message: 'must be a relative path without ".."' },
    });
    const readOnly = readBool(o.readOnly, at(p, 'readOnly'), issues);
    return { name: name ?? '', mountPath: mountPath ?? '', ...(subPath ? { subPath } : {}), ...(readOnly ? { readOnly: true as const } : {}) };
  });
  checkUnique(mountPaths, 'mount path', issues);
  return out.length ? out : undefined;
}

export function readContainer(v: unknown, path: string, issues: Issues, scope: PodScope, init: boolean): Container {
  const o = readObject(v, path, CONTAINER_FIELDS, issues, { required: true });
  if (!o) return { name: '', image: '', imagePullPolicy: 'Always' };
  const name = readString(o.name, at(path, 'name'), issues, {
    required: true,
    check: { rule: 'dns1123-label', test: isDns1123Label, message: 'must be a DNS-1123 label (lowercase alphanumerics and "-", ≤63)' },
  });
  let image = readString(o.image, at(path, 'image'), issues, {
    required: true,
    maxLength: MAX_IMAGE_LENGTH,
    check: { rule: 'no-whitespace', test: (s) => !/\s/.test(s), message: 'must not contain whitespace' },
  });
  if (image !== undefined && !isImageReference(image)) {
    issues.add(at(path, 'image'), 'image-reference', 'must be a container image reference: [registry[:port]/]name[:tag][@sha256:digest], name in lowercase path components');
    image = undefined;
  }
  const pullPolicy = readEnum(o.imagePullPolicy, at(path, 'imagePullPolicy'), PULL_POLICIES, issues);
  const ports = readPorts(o.ports, at(path, 'ports'), issues, scope);
  // Raw names, so a malformed port name is reported once, not again by every probe that uses it.
  const portNames = new Set(
    (Array.isArray(o.ports) ? (o.ports as unknown[]) : []).flatMap((p) => {
      const name = (p as { name?: unknown } | null)?.name;
      return typeof name === 'string' ? [name] : [];
    }),
  );
  const container: Container = {
    name: name ?? '',
    image: image ?? '',
    imagePullPolicy: pullPolicy ?? defaultPullPolicy(image ?? ''),
  };
  const command = readStringList(o.command, at(path, 'command'), issues);
  const args = readStringList(o.args, at(path, 'args'), issues);
  const env = readEnv(o.env, at(path, 'env'), issues, scope.containerNames);
  const envFrom = readEnvFrom(o.envFrom, at(path, 'envFrom'), issues);
  const resources = readResources(o.resources, at(path, 'resources'), issues);
  const volumeMounts = readVolumeMounts(o.volumeMounts, at(path, 'volumeMounts'), issues, scope);
  if (command) container.command = command;
  if (args) container.args = args;
  if (env) container.env = env;
  if (envFrom) container.envFrom = envFrom;
  if (ports) container.ports = ports;
  if (resources) container.resources = resources;
  for (const kind of PROBES) {
    if (isAbsent(o[kind])) continue;
    if (init) {
      issues.add(at(path, kind), 'forbidden', 'init containers run to completion and cannot have probes');
      continue;
    }
    const probe = readProbe(o[kind], at(path, kind), kind, issues, portNames);
    if (probe) container[kind] = probe;
  }
  if (volumeMounts) container.volumeMounts = volumeMounts;
  return container;
}
