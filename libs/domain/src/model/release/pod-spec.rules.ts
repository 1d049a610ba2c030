// A pod spec (the app's, or a hook Job's): volumes first, so mounts and references can be checked against them.
import type { Container, JobPodSpec, KeyToPath, PodSpec, Volume } from './release.types';
import { readContainer, type PodScope } from './container.rules';
import { isConfigMapKey, isDns1123Label, isDns1123Subdomain, isSafeRelativePath } from './k8s-syntax.rules';
import { readLabels } from './labels.rules';
import { isQuantity } from './quantity.rules';
import { Issues, at, checkUnique, exactlyOne, idx, readArray, readBool, readEnum, readInt, readObject, readString } from './validation.rules';

const POD_FIELDS = ['containers', 'initContainers', 'volumes', 'terminationGracePeriodSeconds', 'serviceAccountName', 'nodeSelector'];
const JOB_POD_FIELDS = [...POD_FIELDS, 'restartPolicy'];
const VOLUME_SOURCES = ['emptyDir', 'configMap', 'secret'] as const;
/** 0644, Kubernetes' default file mode for projected ConfigMap and Secret files. */
const DEFAULT_MODE = 0o644;
export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;
export const MAX_TERMINATION_GRACE_SECONDS = 86_400;

const labelName = { rule: 'dns1123-label', test: isDns1123Label, message: 'must be a DNS-1123 label (lowercase alphanumerics and "-", ≤63)' };
const subdomainName = { rule: 'dns1123-subdomain', test: isDns1123Subdomain, message: 'must be a DNS-1123 subdomain (≤253)' };

function readItems(v: unknown, path: string, issues: Issues): KeyToPath[] | undefined {
  const list = readArray(v, path, issues);
  if (!list) return undefined;
  const out = list.map((item, i): KeyToPath => {
    const p = idx(path, i);
    const o = readObject(item, p, ['key', 'path', 'mode'], issues, { required: true });
    if (!o) return { key: '', path: '' };
    const key = readString(o.key, at(p, 'key'), issues, {
      required: true,
      check: { rule: 'config-key', test: isConfigMapKey, message: 'must be ≤253 alphanumerics, "-", "_" or "."' },
    });
    const file = readString(o.path, at(p, 'path'), issues, {
      required: true,
      check: { rule: 'relative-path', test: isSafeRelativePath, message: 'must be a relative path without ".."' },
    });
    const mode = readInt(o.mode, at(p, 'mode'), issues, { min: 0, max: 0o777 });
    return { key: key ?? '', path: file ?? '', ...(mode !== undefined ? { mode } : {}) };
  });
  return out.length ? out : undefined;
}

function readVolume(v: unknown, path: string, issues: Issues): Volume {
  const o = readObject(v, path, ['name', ...VOLUME_SOURCES], issues, { required: true });
  if (!o) return { name: '' };
  const volume: Volume = { name: readString(o.name, at(path, 'name'), issues, { required: true, check: labelName }) ?? '' };
  const source = exactlyOne(o, VOLUME_SOURCES, path, issues);
  const p = source ? at(path, source) : path;
  switch (source) {
    case 'emptyDir': {
      const s = readObject(o.emptyDir, p, ['medium', 'sizeLimit'], issues);
      if (!s) break;
      // "" is the node's default medium; canonical form omits it.
      const medium = s.medium === '' ? undefined : readEnum(s.medium, at(p, 'medium'), ['Memory'] as const, issues);
      const sizeLimit = readString(s.sizeLimit, at(p, 'sizeLimit'), issues, {
        check: { rule: 'quantity', test: isQuantity, message: 'must be a quantity such as 64Mi' },
      });
      volume.emptyDir = { ...(medium ? { medium } : {}), ...(sizeLimit ? { sizeLimit } : {}) };
      break;
    }
    case 'configMap':
    case 'secret': {
      const nameKey = source === 'configMap' ? 'name' : 'secretName';
      const s = readObject(o[source], p, [nameKey, 'items', 'defaultMode', 'optional'], issues);
      if (!s) break;
      const name = readString(s[nameKey], at(p, nameKey), issues, { required: true, check: subdomainName }) ?? '';
      const items = readItems(s.items, at(p, 'items'), issues);
      const defaultMode = readInt(s.defaultMode, at(p, 'defaultMode'), issues, { min: 0, max: 0o777 }) ?? DEFAULT_MODE;
      const optional = readBool(s.optional, at(p, 'optional'), issues);
      const rest = { ...(items ? { items } : {}), defaultMode, ...(optional ? { optional: true as const } : {}) };
      if (source === 'configMap') volume.configMap = { name, ...rest };
      else volume.secret = { secretName: name, ...rest };
      break;
    }
    default:
      break;
  }
  return volume;
}

/** Names of the entries of a list that are objects with a string `name`: for reference checks that must not cascade. */
function rawNames(list: unknown[] | undefined): string[] {
  return (list ?? []).flatMap((item) => {
    const name = (item as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

function readPod(v: unknown, path: string, issues: Issues, fields: readonly string[]): { pod: PodSpec; raw?: Record<string, unknown> } {
  const empty: PodSpec = { containers: [], initContainers: [], volumes: [], terminationGracePeriodSeconds: DEFAULT_TERMINATION_GRACE_SECONDS };
  const o = readObject(v, path, fields, issues);
  if (!o) return { pod: empty };

  const rawVolumes = readArray(o.volumes, at(path, 'volumes'), issues);
  const volumes = (rawVolumes ?? []).map((item, i) => readVolume(item, idx(at(path, 'volumes'), i), issues));
  checkUnique(
    volumes.map((vol, i) => ({ name: vol.name || undefined, path: at(idx(at(path, 'volumes'), i), 'name') })),
    'volume name',
    issues,
  );

  const rawInit = readArray(o.initContainers, at(path, 'initContainers'), issues);
  const rawApp = readArray(o.containers, at(path, 'containers'), issues, { required: true, minItems: 1 });
  const scope: PodScope = {
    volumeNames: new Set(rawNames(rawVolumes)),
    containerNames: new Set([...rawNames(rawInit), ...rawNames(rawApp)]),
    portNames: [],
  };
  const read = (list: unknown[] | undefined, key: string, init: boolean): Container[] =>
    (list ?? []).map((item, i) => readContainer(item, idx(at(path, key), i), issues, scope, init));
  const initContainers = read(rawInit, 'initContainers', true);
  const containers = read(rawApp, 'containers', false);

  // As the API server does: an init container may not reuse an app container's name (nor another init's),
  // so the error lands on the init container's path.
  const appNames = new Set(containers.map((c) => c.name).filter(Boolean));
  const seenInit = new Set<string>();
  initContainers.forEach((c, i) => {
    if (!c.name) return;
    const p = at(idx(at(path, 'initContainers'), i), 'name');
    if (appNames.has(c.name)) issues.add(p, 'unique', `container name "${c.name}" is also used by an app container`);
    else if (seenInit.has(c.name)) issues.add(p, 'unique', `container name "${c.name}" is used more than once`);
    seenInit.add(c.name);
  });
  checkUnique(
    containers.map((c, i) => ({ name: c.name || undefined, path: at(idx(at(path, 'containers'), i), 'name') })),
    'container name',
    issues,
  );
  checkUnique(scope.portNames, 'port name', issues);

  const pod: PodSpec = {
    containers,
    initContainers,
    volumes,
    terminationGracePeriodSeconds:
      readInt(o.terminationGracePeriodSeconds, at(path, 'terminationGracePeriodSeconds'), issues, {
        min: 0,
        max: MAX_TERMINATION_GRACE_SECONDS,
      }) ?? DEFAULT_TERMINATION_GRACE_SECONDS,
  };
  const serviceAccountName = readString(o.serviceAccountName, at(path, 'serviceAccountName'), issues, { check: subdomainName });
  if (serviceAccountName) pod.serviceAccountName = serviceAccountName;
  const nodeSelector = readLabels(o.nodeSelector, at(path, 'nodeSelector'), issues);
  if (Object.keys(nodeSelector).length) pod.nodeSelector = nodeSelector;
  return { pod, raw: o };
}

/** The app's pod template: restart policy is the Deployment's (Always) and cannot be set. */
export function readPodSpec(v: unknown, path: string, issues: Issues): PodSpec {
  return readPod(v, path, issues, POD_FIELDS).pod;
}

/** A hook Job's pod: restartPolicy Never (default) or OnFailure. */
export function readJobPodSpec(v: unknown, path: string, issues: Issues): JobPodSpec {
  const { pod, raw } = readPod(v, path, issues, JOB_POD_FIELDS);
  const restartPolicy = readEnum(raw?.restartPolicy, at(path, 'restartPolicy'), ['Never', 'OnFailure'] as const, issues) ?? 'Never';
  return { ...pod, restartPolicy };
}
