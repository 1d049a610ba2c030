// A container's `env` and `envFrom`, including the downward API (fieldRef, resourceFieldRef).
import type { EnvFromSource, EnvVar, EnvVarSource, KeySelector, NamedRef, ResourceFieldSelector } from './release.types';
import { isConfigMapKey, isDns1123Subdomain, isEnvVarName, isQualifiedName } from './k8s-syntax.rules';
import { isQuantity } from './quantity.rules';
import { Issues, at, checkUnique, exactlyOne, idx, isAbsent, readArray, readBool, readObject, readString } from './validation.rules';

/** Pod fields a container may read through `valueFrom.fieldRef` (as the Kubernetes API server allows for env). */
const FIELD_PATHS = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.podIP',
  'status.hostIP',
  'status.podIPs',
]);
const SUBSCRIPTED_FIELD = /^metadata\.(labels|annotations)\['(.+)'\]$/;
const RESOURCE_FIELDS = new Set([
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
]);

export function isDownwardApiFieldPath(path: string): boolean {
  if (FIELD_PATHS.has(path)) return true;
  const m = SUBSCRIPTED_FIELD.exec(path);
  return m !== null && isQualifiedName(m[2]);
}

const dnsName = {
  rule: 'dns1123-subdomain',
  test: isDns1123Subdomain,
  message: 'must be a DNS-1123 subdomain (lowercase alphanumerics, "-" and ".", ≤253)',
};

function readKeySelector(v: unknown, path: string, issues: Issues): KeySelector | undefined {
  const o = readObject(v, path, ['name', 'key', 'optional'], issues);
  if (!o) return undefined;
  const name = readString(o.name, at(path, 'name'), issues, { required: true, check: dnsName });
  const key = readString(o.key, at(path, 'key'), issues, {
    required: true,
    check: { rule: 'config-key', test: isConfigMapKey, message: 'must be ≤253 alphanumerics, "-", "_" or "."' },
  });
  const optional = readBool(o.optional, at(path, 'optional'), issues);
  return { name: name ?? '', key: key ?? '', ...(optional ? { optional: true as const } : {}) };
}

function readResourceField(v: unknown, path: string, issues: Issues, containerNames: ReadonlySet<string>): ResourceFieldSelector | undefined {
  const o = readObject(v, path, ['containerName', 'resource', 'divisor'], issues);
  if (!o) return undefined;
  const containerName = readString(o.containerName, at(path, 'containerName'), issues, {
    check: { rule: 'container-exists', test: (n) => containerNames.has(n), message: 'must name a container of this pod' },
  });
  const resource = readString(o.resource, at(path, 'resource'), issues, {
    required: true,
    check: { rule: 'enum', test: (r) => RESOURCE_FIELDS.has(r), message: `must be one of ${[...RESOURCE_FIELDS].join(', ')}` },
  });
  const divisor = readString(o.divisor, at(path, 'divisor'), issues, {
    check: { rule: 'quantity', test: isQuantity, message: 'must be a resource quantity such as 1, 1m, 1Mi' },
  });
  return { resource: resource ?? '', ...(containerName ? { containerName } : {}), ...(divisor ? { divisor } : {}) };
}

function readValueFrom(v: unknown, path: string, issues: Issues, containerNames: ReadonlySet<string>): EnvVarSource | undefined {
  const o = readObject(v, path, ['fieldRef', 'resourceFieldRef', 'secretKeyRef', 'configMapKeyRef'], issues);
  if (!o) return undefined;
  const source = exactlyOne(o, ['fieldRef', 'resourceFieldRef', 'secretKeyRef', 'configMapKeyRef'], path, issues);
  switch (source) {
    case 'fieldRef': {
      const p = at(path, 'fieldRef');
      const ref = readObject(o.fieldRef, p, ['apiVersion', 'fieldPath'], issues);
      if (!ref) return undefined;
      readString(ref.apiVersion, at(p, 'apiVersion'), issues, {
        check: { rule: 'enum', test: (a) => a === 'v1', message: 'must be v1' },
      });
      const fieldPath = readString(ref.fieldPath, at(p, 'fieldPath'), issues, {
        required: true,
        check: {
          rule: 'field-path',
          test: isDownwardApiFieldPath,
          message: `must be one of ${[...FIELD_PATHS].join(', ')}, metadata.labels['<key>'] or metadata.annotations['<key>']`,
        },
      });
      return { fieldRef: { apiVersion: 'v1', fieldPath: fieldPath ?? '' } };
    }
    case 'resourceFieldRef': {
      const ref = readResourceField(o.resourceFieldRef, at(path, 'resourceFieldRef'), issues, containerNames);
      return ref ? { resourceFieldRef: ref } : undefined;
    }
    case 'secretKeyRef':
    case 'configMapKeyRef': {
      const ref = readKeySelector(o[source], at(path, source), issues);
      return ref ? { [source]: ref } : undefined;
    }
    default:
      return undefined;
  }
}

export function readEnv(v: unknown, path: string, issues: Issues, containerNames: ReadonlySet<string>): EnvVar[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const names: Array<{ name: string | undefined; path: string }> = [];
  const out = list.map((item, i): EnvVar => {
    const p = idx(path, i);
    const o = readObject(item, p, ['name', 'value', 'valueFrom'], issues, { required: true });
    if (!o) return { name: '' };
    const name = readString(o.name, at(p, 'name'), issues, {
      required: true,
      check: { rule: 'env-name', test: isEnvVarName, message: 'must consist of letters, digits, "_", "-" or ".", not starting with a digit' },
    });
    names.push({ name, path: at(p, 'name') });
    const value = readString(o.value, at(p, 'value'), issues);
    if (!isAbsent(o.valueFrom)) {
      if (value) issues.add(p, 'one-of', 'set either value or valueFrom, not both');
      const valueFrom = readValueFrom(o.valueFrom, at(p, 'valueFrom'), issues, containerNames);
      return { name: name ?? '', ...(valueFrom ? { valueFrom } : {}) };
    }
    return { name: name ?? '', value: value ?? '' };
  });
  checkUnique(names, 'environment variable', issues);
  return out.length ? out : undefined;
}

function readNamedRef(v: unknown, path: string, issues: Issues): NamedRef | undefined {
  const o = readObject(v, path, ['name', 'optional'], issues);
  if (!o) return undefined;
  const name = readString(o.name, at(path, 'name'), issues, { required: true, check: dnsName });
  const optional = readBool(o.optional, at(path, 'optional'), issues);
  return { name: name ?? '', ...(optional ? { optional: true as const } : {}) };
}

export function readEnvFrom(v: unknown, path: string, issues: Issues): EnvFromSource[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const out = list.map((item, i): EnvFromSource => {
    const p = idx(path, i);
    const o = readObject(item, p, ['prefix', 'configMapRef', 'secretRef'], issues, { required: true });
    if (!o) return {};
    const prefix = readString(o.prefix, at(p, 'prefix'), issues, {
      check: { rule: 'env-name', test: isEnvVarName, message: 'must be a valid environment variable name prefix' },
    });
    const source = exactlyOne(o, ['configMapRef', 'secretRef'], p, issues);
    const ref = source ? readNamedRef(o[source], at(p, source), issues) : undefined;
    return { ...(prefix ? { prefix } : {}), ...(source && ref ? { [source]: ref } : {}) };
  });
  return out.length ? out : undefined;
}
