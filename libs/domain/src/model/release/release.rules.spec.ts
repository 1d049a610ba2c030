import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.mapper';
import { toReleaseInput, validateReleaseInput } from './release.rules';

/** A full-form release touching most of the subset: each case below breaks one rule of it. */
function validBody(): Record<string, any> {
  return {
    version: '1.4.0+build.7',
    podSpec: {
      initContainers: [
        { name: 'migrate', image: 'registry.local/checkout:1.4.0', command: ['./migrate'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
        { name: 'warm-cache', image: 'busybox:1.36', args: ['sh', '-c', 'echo ok > /shared/ready'], volumeMounts: [{ name: 'shared', mountPath: '/shared' }] },
      ],
      containers: [
        {
          name: 'web',
          image: 'registry.local/checkout:1.4.0',
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'TEAM', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode', optional: true } } },
            { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', containerName: 'web', divisor: '1m' } } },
            { name: 'PLAIN', value: 'x' },
          ],
          envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
          livenessProbe: { tcpSocket: { port: 8080 } },
          startupProbe: { exec: { command: ['true'] }, failureThreshold: 30 },
          volumeMounts: [
            { name: 'shared', mountPath: '/shared', readOnly: true },
            { name: 'config', mountPath: '/etc/checkout' },
            { name: 'tls', mountPath: '/etc/tls' },
          ],
        },
      ],
      volumes: [
        { name: 'shared', emptyDir: {} },
        { name: 'config', configMap: { name: 'checkout-config', items: [{ key: 'app.yaml', path: 'app.yaml' }] } },
        { name: 'tls', secret: { secretName: 'checkout-tls', defaultMode: 0o400 } },
      ],
      terminationGracePeriodSeconds: 45,
      serviceAccountName: 'checkout',
      nodeSelector: { 'kubernetes.io/os': 'linux' },
    },
    podLabels: { team: 'payments', 'example.com/tier': 'web' },
    podAnnotations: { 'example.com/owner': 'Payments team <payments@example.com>' },
    hooks: {
      preDeploy: [
        { name: 'db-migrate', podSpec: { containers: [{ name: 'migrate', image: 'registry.local/checkout:1.4.0' }] }, backoffLimit: 1 },
      ],
    },
    notes: 'Adds the new payment flow.',
    commitSha: 'ABCDEF1234567',
  };
}

function errorsOf(mutate: (b: Record<string, any>) => void): Array<{ path: string; rule: string }> {
  const body = validBody();
  mutate(body);
  const result = validateReleaseInput(body, 'checkout');
  if (result.ok) return [];
  return result.errors.map(({ path, rule }) => ({ path, rule }));
}

const c0 = (b: Record<string, any>) => b.podSpec.containers[0];

const cases: Array<[string, (b: Record<string, any>) => void, string, string]> = [
  ['missing version', (b) => delete b.version, 'version', 'required'],
  ['version with a space', (b) => (b.version = '1.0 beta'), 'version', 'pattern'],
  ['version starting with a dot', (b) => (b.version = '.1'), 'version', 'pattern'],
  ['version too long', (b) => (b.version = 'v'.repeat(129)), 'version', 'max-length'],
  ['neither image nor podSpec', (b) => delete b.podSpec, 'podSpec', 'required'],
  ['both image and podSpec', (b) => (b.image = 'nginx'), 'image', 'one-of'],
  ['unknown top-level field', (b) => (b.replicas = 3), 'replicas', 'unknown-field'],
  ['unknown pod field', (b) => (b.podSpec.hostNetwork = true), 'podSpec.hostNetwork', 'unknown-field'],
  ['restartPolicy on the app pod', (b) => (b.podSpec.restartPolicy = 'Always'), 'podSpec.restartPolicy', 'unknown-field'],
  ['unknown container field', (b) => (c0(b).privileged = true), 'podSpec.containers[0].privileged', 'unknown-field'],
  ['no containers', (b) => (b.podSpec.containers = []), 'podSpec.containers', 'min-items'],
  ['containers not an array', (b) => (b.podSpec.containers = {}), 'podSpec.containers', 'type'],
  ['container name with uppercase', (b) => (b.podSpec.initContainers[0].name = 'Migrate'), 'podSpec.initContainers[0].name', 'dns1123-label'],
  ['container name too long', (b) => (b.podSpec.initContainers[0].name = 'a'.repeat(64)), 'podSpec.initContainers[0].name', 'dns1123-label'],
  ['init container name invalid', (b) => (b.podSpec.initContainers[1].name = 'warm_cache'), 'podSpec.initContainers[1].name', 'dns1123-label'],
  ['init container shares an app container name', (b) => (b.podSpec.initContainers[1].name = 'web'), 'podSpec.initContainers[1].name', 'unique'],
  ['two init containers share a name', (b) => (b.podSpec.initContainers[1].name = 'migrate'), 'podSpec.initContainers[1].name', 'unique'],
  ['two app containers share a name', (b) => b.podSpec.containers.push({ name: 'web', image: 'x' }), 'podSpec.containers[1].name', 'unique'],
  ['missing image', (b) => delete c0(b).image, 'podSpec.containers[0].image', 'required'],
  ['empty image', (b) => (c0(b).image = ''), 'podSpec.containers[0].image', 'required'],
  ['image with whitespace', (b) => (c0(b).image = 'nginx :1'), 'podSpec.containers[0].image', 'no-whitespace'],
  ['bad pull policy', (b) => (c0(b).imagePullPolicy = 'Sometimes'), 'podSpec.containers[0].imagePullPolicy', 'enum'],
  ['command not strings', (b) => (c0(b).command = ['run', 3]), 'podSpec.containers[0].command[1]', 'type'],
  ['port 0', (b) => (c0(b).ports[0].containerPort = 0), 'podSpec.containers[0].ports[0].containerPort', 'range'],
  ['port 65536', (b) => (c0(b).ports[0].containerPort = 65536), 'podSpec.containers[0].ports[0].containerPort', 'range'],
  ['port not an integer', (b) => (c0(b).ports[0].containerPort = 80.5), 'podSpec.containers[0].ports[0].containerPort', 'type'],
  ['bad protocol', (b) => (c0(b).ports[0].protocol = 'HTTP'), 'podSpec.containers[0].ports[0].protocol', 'enum'],
  ['port name too long', (b) => c0(b).ports.push({ name: 'a-very-long-port-name', containerPort: 9000 }), 'podSpec.containers[0].ports[1].name', 'iana-svc-name'],
  ['port name without a letter', (b) => c0(b).ports.push({ name: '8080', containerPort: 9000 }), 'podSpec.containers[0].ports[1].name', 'iana-svc-name'],
  [
    'port names repeated across containers',
    (b) => b.podSpec.containers.push({ name: 'sidecar', image: 'x', ports: [{ name: 'http', containerPort: 9090 }] }),
    'podSpec.containers[1].ports[0].name',
    'unique',
  ],
  ['env name invalid', (b) => (c0(b).env[6].name = '1ABC'), 'podSpec.containers[0].env[6].name', 'env-name'],
  ['env name repeated', (b) => (c0(b).env[6].name = 'POD_IP'), 'podSpec.containers[0].env[6].name', 'unique'],
  ['value and valueFrom', (b) => (c0(b).env[0].value = 'x'), 'podSpec.containers[0].env[0]', 'one-of'],
  ['valueFrom with two sources', (b) => (c0(b).env[0].valueFrom.secretKeyRef = { name: 'a', key: 'b' }), 'podSpec.containers[0].env[0].valueFrom', 'one-of'],
  ['valueFrom with no source', (b) => (c0(b).env[0].valueFrom = {}), 'podSpec.containers[0].env[0].valueFrom', 'one-of'],
  ['unsupported downward field', (b) => (c0(b).env[0].valueFrom.fieldRef.fieldPath = 'spec.hostNetwork'), 'podSpec.containers[0].env[0].valueFrom.fieldRef.fieldPath', 'field-path'],
  ['whole labels map in env', (b) => (c0(b).env[0].valueFrom.fieldRef.fieldPath = 'metadata.labels'), 'podSpec.containers[0].env[0].valueFrom.fieldRef.fieldPath', 'field-path'],
  ['fieldRef apiVersion v2', (b) => (c0(b).env[0].valueFrom.fieldRef.apiVersion = 'v2'), 'podSpec.containers[0].env[0].valueFrom.fieldRef.apiVersion', 'enum'],
  ['secret name invalid', (b) => (c0(b).env[3].valueFrom.secretKeyRef.name = 'DB'), 'podSpec.containers[0].env[3].valueFrom.secretKeyRef.name', 'dns1123-subdomain'],
  ['secret key missing', (b) => delete c0(b).env[3].valueFrom.secretKeyRef.key, 'podSpec.containers[0].env[3].valueFrom.secretKeyRef.key', 'required'],
  ['configMap key invalid', (b) => (c0(b).env[4].valueFrom.configMapKeyRef.key = 'a/b'), 'podSpec.containers[0].env[4].valueFrom.configMapKeyRef.key', 'config-key'],
  ['resourceFieldRef of a missing container', (b) => (c0(b).env[5].valueFrom.resourceFieldRef.containerName = 'nope'), 'podSpec.containers[0].env[5].valueFrom.resourceFieldRef.containerName', 'container-exists'],
  ['resourceFieldRef resource unknown', (b) => (c0(b).env[5].valueFrom.resourceFieldRef.resource = 'limits.gpu'), 'podSpec.containers[0].env[5].valueFrom.resourceFieldRef.resource', 'enum'],
  ['envFrom with both refs', (b) => (c0(b).envFrom[0].secretRef = { name: 's' }), 'podSpec.containers[0].envFrom[0]', 'one-of'],
  ['quantity malformed', (b) => (c0(b).resources.requests.cpu = '100 m'), 'podSpec.containers[0].resources.requests.cpu', 'quantity'],
  ['quantity negative', (b) => (c0(b).resources.limits.memory = '-1Gi'), 'podSpec.containers[0].resources.limits.memory', 'quantity'],
  ['quantity as number', (b) => (c0(b).resources.limits.cpu = 1), 'podSpec.containers[0].resources.limits.cpu', 'quantity'],
  ['unknown resource name', (b) => (c0(b).resources.limits.gpu = '1'), 'podSpec.containers[0].resources.limits.gpu', 'resource-name'],
  ['request above limit', (b) => (c0(b).resources.requests.cpu = '1500m'), 'podSpec.containers[0].resources.requests.cpu', 'limits-gte-requests'],
  ['memory request above limit', (b) => (c0(b).resources.requests.memory = '2Gi'), 'podSpec.containers[0].resources.requests.memory', 'limits-gte-requests'],
  ['probe with two handlers', (b) => (c0(b).livenessProbe.exec = { command: ['true'] }), 'podSpec.containers[0].livenessProbe', 'one-of'],
  ['probe with no handler', (b) => (c0(b).livenessProbe = { periodSeconds: 3 }), 'podSpec.containers[0].livenessProbe', 'one-of'],
  ['probe period 0', (b) => (c0(b).readinessProbe.periodSeconds = 0), 'podSpec.containers[0].readinessProbe.periodSeconds', 'range'],
  ['liveness successThreshold 2', (b) => (c0(b).livenessProbe.successThreshold = 2), 'podSpec.containers[0].livenessProbe.successThreshold', 'range'],
  ['negative initial delay', (b) => (c0(b).livenessProbe.initialDelaySeconds = -1), 'podSpec.containers[0].livenessProbe.initialDelaySeconds', 'range'],
  ['probe on an undeclared port name', (b) => (c0(b).readinessProbe.httpGet.port = 'admin'), 'podSpec.containers[0].readinessProbe.httpGet.port', 'port-exists'],
  ['probe port out of range', (b) => (c0(b).livenessProbe.tcpSocket.port = 70000), 'podSpec.containers[0].livenessProbe.tcpSocket.port', 'range'],
  ['exec probe without command', (b) => (c0(b).startupProbe.exec = {}), 'podSpec.containers[0].startupProbe.exec.command', 'required'],
  ['grpc probe with a named port', (b) => (c0(b).livenessProbe = { grpc: { port: 'http' } }), 'podSpec.containers[0].livenessProbe.grpc.port', 'type'],
  ['probe on an init container', (b) => (b.podSpec.initContainers[0].readinessProbe = { tcpSocket: { port: 1 } }), 'podSpec.initContainers[0].readinessProbe', 'forbidden'],
  ['mount of a missing volume', (b) => (c0(b).volumeMounts[1].name = 'cfg'), 'podSpec.containers[0].volumeMounts[1].name', 'volume-exists'],
  ['init mount of a missing volume', (b) => (b.podSpec.initContainers[1].volumeMounts[0].name = 'scratch'), 'podSpec.initContainers[1].volumeMounts[0].name', 'volume-exists'],
  ['relative mount path', (b) => (c0(b).volumeMounts[0].mountPath = 'shared'), 'podSpec.containers[0].volumeMounts[0].mountPath', 'absolute-path'],
  ['mount path used twice', (b) => (c0(b).volumeMounts[2].mountPath = '/shared'), 'podSpec.containers[0].volumeMounts[2].mountPath', 'unique'],
  ['subPath escaping', (b) => (c0(b).volumeMounts[0].subPath = '../etc'), 'podSpec.containers[0].volumeMounts[0].subPath', 'relative-path'],
  ['volume name invalid', (b) => b.podSpec.volumes.push({ name: 'Scratch', emptyDir: {} }), 'podSpec.volumes[3].name', 'dns1123-label'],
  ['volume names repeated', (b) => b.podSpec.volumes.push({ name: 'shared', emptyDir: {} }), 'podSpec.volumes[3].name', 'unique'],
  ['volume with two sources', (b) => (b.podSpec.volumes[0].secret = { secretName: 'x' }), 'podSpec.volumes[0]', 'one-of'],
  ['unsupported volume type', (b) => (b.podSpec.volumes[0].hostPath = { path: '/' }), 'podSpec.volumes[0].hostPath', 'unknown-field'],
  ['emptyDir medium', (b) => (b.podSpec.volumes[0].emptyDir.medium = 'Disk'), 'podSpec.volumes[0].emptyDir.medium', 'enum'],
  ['configMap item path escaping', (b) => (b.podSpec.volumes[1].configMap.items[0].path = '../x'), 'podSpec.volumes[1].configMap.items[0].path', 'relative-path'],
  ['secret mode too big', (b) => (b.podSpec.volumes[2].secret.defaultMode = 0o1000), 'podSpec.volumes[2].secret.defaultMode', 'range'],
  ['grace period negative', (b) => (b.podSpec.terminationGracePeriodSeconds = -1), 'podSpec.terminationGracePeriodSeconds', 'range'],
  ['service account invalid', (b) => (b.podSpec.serviceAccountName = 'Checkout'), 'podSpec.serviceAccountName', 'dns1123-subdomain'],
  ['node selector bad value', (b) => (b.podSpec.nodeSelector.zone = 'a b'), 'podSpec.nodeSelector.zone', 'label-value'],
  ['reserved label prefix', (b) => (b.podLabels['cutover.dev/role'] = 'x'), 'podLabels["cutover.dev/role"]', 'reserved'],
  ['reserved managed-by label', (b) => (b.podLabels['app.kubernetes.io/managed-by'] = 'me'), 'podLabels["app.kubernetes.io/managed-by"]', 'reserved'],
  ['label key invalid', (b) => (b.podLabels['-team'] = 'x'), 'podLabels["-team"]', 'label-key'],
  ['label value too long', (b) => (b.podLabels.team = 'x'.repeat(64)), 'podLabels.team', 'label-value'],
  ['label value not a string', (b) => (b.podLabels.team = 3), 'podLabels.team', 'type'],
  ['annotation key invalid', (b) => (b.podAnnotations['a b'] = 'x'), 'podAnnotations["a b"]', 'label-key'],
  ['hook name invalid', (b) => (b.hooks.preDeploy[0].name = 'DB'), 'hooks.preDeploy[0].name', 'dns1123-label'],
  ['hook without pod spec', (b) => delete b.hooks.preDeploy[0].podSpec, 'hooks.preDeploy[0].podSpec', 'required'],
  ['hook container invalid', (b) => (b.hooks.preDeploy[0].podSpec.containers[0].name = 'Mig'), 'hooks.preDeploy[0].podSpec.containers[0].name', 'dns1123-label'],
  ['hook restartPolicy Always', (b) => (b.hooks.preDeploy[0].podSpec.restartPolicy = 'Always'), 'hooks.preDeploy[0].podSpec.restartPolicy', 'enum'],
  ['hook backoff negative', (b) => (b.hooks.preDeploy[0].backoffLimit = -1), 'hooks.preDeploy[0].backoffLimit', 'range'],
  ['hook deadline 0', (b) => (b.hooks.preDeploy[0].activeDeadlineSeconds = 0), 'hooks.preDeploy[0].activeDeadlineSeconds', 'range'],
  ['hook names repeated', (b) => b.hooks.preDeploy.push({ ...b.hooks.preDeploy[0] }), 'hooks.preDeploy[1].name', 'unique'],
  ['unknown hook kind', (b) => (b.hooks.postDeploy = []), 'hooks.postDeploy', 'unknown-field'],
  ['commit sha not hex', (b) => (b.commitSha = 'main'), 'commitSha', 'pattern'],
  ['notes too long', (b) => (b.notes = 'x'.repeat(10_001)), 'notes', 'max-length'],
];

describe('validateReleaseInput', () => {
  it('accepts the full form and fills Kubernetes defaults', () => {
    const result = validateReleaseInput(validBody(), 'checkout');
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    const { spec } = result.value;
    expect(spec.podSpec.initContainers.map((c) => c.name)).toEqual(['migrate', 'warm-cache']);
    const web = spec.podSpec.containers[0];
    expect(web.imagePullPolicy).toBe('IfNotPresent');
    expect(web.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(web.readinessProbe).toEqual({
      httpGet: { path: '/ready', port: 'http', scheme: 'HTTP' },
      initialDelaySeconds: 0,
      timeoutSeconds: 1,
      periodSeconds: 5,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(web.env?.[0]).toEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } });
    expect(spec.podSpec.volumes[1].configMap?.defaultMode).toBe(0o644);
    expect(spec.hooks.preDeploy[0].podSpec.restartPolicy).toBe('Never');
    expect(result.value.commitSha).toBe('abcdef1234567');
  });

  it('turns the short form into one container named after the app', () => {
    const result = validateReleaseInput({ version: '2', image: 'nginx:latest' }, 'checkout');
    expect(result).toEqual({
      ok: true,
      value: {
        version: '2',
        spec: {
          podSpec: {
            containers: [{ name: 'checkout', image: 'nginx:latest', imagePullPolicy: 'Always' }],
            initContainers: [],
            volumes: [],
            terminationGracePeriodSeconds: 30,
          },
          podLabels: {},
          podAnnotations: {},
          hooks: { preDeploy: [] },
        },
        notes: null,
        commitSha: null,
      },
    });
  });

  it('reports a short-form image error at `image`', () => {
    const result = validateReleaseInput({ version: '2', image: 'ng inx' }, 'checkout');
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.rule])).toEqual([['image', 'no-whitespace']]);
  });

  it('refuses a body that is not an object', () => {
    const result = validateReleaseInput([1], 'checkout');
    expect(result.ok ? [] : result.errors.map((e) => [e.path, e.rule])).toEqual([['', 'type']]);
  });

  it.each(cases)('%s → %s %s', (_name, mutate, path, rule) => {
    expect(errorsOf(mutate)).toEqual([{ path, rule }]);
  });

  it('collects every broken rule, not only the first', () => {
    const errors = errorsOf((b) => {
      b.version = '';
      b.podSpec.initContainers[0].name = 'Migrate';
      c0(b).ports[0].containerPort = 0;
      c0(b).volumeMounts[1].name = 'nope';
      b.podLabels['cutover.dev/x'] = 'y';
    });
    expect(errors.map((e) => e.rule).sort()).toEqual(
      ['dns1123-label', 'range', 'required', 'reserved', 'volume-exists'].sort(),
    );
  });

  it('treats null like an absent optional field', () => {
    const body = validBody();
    body.notes = null;
    body.podSpec.serviceAccountName = null;
    const result = validateReleaseInput(body, 'checkout');
    expect(result.ok && result.value.notes).toBeNull();
    expect(result.ok && result.value.spec.podSpec.serviceAccountName).toBeUndefined();
  });

  it('normalises idempotently: the normalised release, sent back, is accepted unchanged', () => {
    const first = validateReleaseInput(validBody(), 'checkout');
    if (!first.ok) throw new Error('valid body refused');
    const second = validateReleaseInput(JSON.parse(JSON.stringify(toReleaseInput(first.value))), 'checkout');
    expect(second).toEqual(first);
    expect(canonicalJson(second.ok && second.value.spec)).toBe(canonicalJson(first.value.spec));
  });
});
