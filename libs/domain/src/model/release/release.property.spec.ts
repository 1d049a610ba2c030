import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.mapper';
import { compareQuantities, parseQuantity } from './quantity.rules';
import { toReleaseInput, validateReleaseInput } from './release.rules';

// Generators of VALID inputs only: every generated body must pass, and its normalised form must round-trip.
const dnsLabel = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/);
const portName = fc.stringMatching(/^[a-z][a-z0-9]{0,13}$/);
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/);
const labelKey = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
  fc.tuple(fc.stringMatching(/^[a-z]{1,8}\.(io|com)$/), fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/)).map(([p, n]) => `${p}/${n}`),
);
const labelValue = fc.stringMatching(/^([A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?)?$/);
// Container image references (distribution/reference): optional registry, lowercase path components, optional tag.
const imageComponent = fc.stringMatching(/^[a-z0-9]{1,6}([._-][a-z0-9]{1,6}){0,2}$/);
const image = fc
  .tuple(
    fc.option(fc.constantFrom('registry.example.com', 'localhost:5000', 'ghcr.io'), { nil: undefined }),
    fc.array(imageComponent, { minLength: 1, maxLength: 3 }),
    fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9.]{0,9}$/), { nil: undefined }),
  )
  .map(([host, parts, tag]) => `${host ? `${host}/` : ''}${parts.join('/')}${tag ? `:${tag}` : ''}`);
const version = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,30}$/);
const quantityPair = fc
  .tuple(fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 4000 }))
  .map(([a, b]) => [`${Math.min(a, b)}m`, `${Math.max(a, b)}m`] as const);

const fieldPath = fc.constantFrom(
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  "metadata.labels['team']",
  "metadata.annotations['example.com/owner']",
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.podIP',
  'status.hostIP',
  'status.podIPs',
);

const envVar = fc.oneof(
  fc.record({ value: fc.string({ maxLength: 20 }) }),
  fieldPath.map((p) => ({ valueFrom: { fieldRef: { fieldPath: p } } })),
  fc.record({ name: dnsLabel, key: fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/) }).map((ref) => ({ valueFrom: { secretKeyRef: ref } })),
  fc.record({ name: dnsLabel, key: fc.stringMatching(/^[a-z][a-z0-9._-]{0,10}$/), optional: fc.boolean() }).map((ref) => ({
    valueFrom: { configMapKeyRef: ref },
  })),
);

const probe = (ports: number[]) =>
  fc.oneof(
    fc.record({ tcpSocket: fc.record({ port: fc.constantFrom(...(ports.length ? ports : [80])) }) }),
    fc.record({ httpGet: fc.record({ path: fc.constantFrom('/', '/healthz'), port: fc.integer({ min: 1, max: 65535 }) }) }),
    fc.record({ exec: fc.record({ command: fc.array(fc.string({ minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }) }) }),
    fc.record({ grpc: fc.record({ port: fc.integer({ min: 1, max: 65535 }) }), periodSeconds: fc.integer({ min: 1, max: 60 }) }),
  );

interface Names {
  container: string;
  ports: Array<{ name: string; port: number }>;
}

function container(names: Names, volumes: string[], init: boolean) {
  return fc
    .record(
      {
        image,
        command: fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
        env: fc.uniqueArray(fc.tuple(envName, envVar), { selector: ([n]) => n, maxLength: 4 }),
        resources: fc.option(quantityPair, { nil: undefined }),
        probe: init ? fc.constant(undefined) : fc.option(probe(names.ports.map((p) => p.port)), { nil: undefined }),
        mounts: fc.subarray(volumes),
        pullPolicy: fc.option(fc.constantFrom('Always', 'IfNotPresent', 'Never'), { nil: undefined }),
      },
      { requiredKeys: ['image'] },
    )
    .map((c) => ({
      name: names.container,
      image: c.image,
      ...(c.pullPolicy ? { imagePullPolicy: c.pullPolicy } : {}),
      ...(c.command?.length ? { command: c.command } : {}),
      ...(c.env?.length ? { env: c.env.map(([name, v]) => ({ name, ...v })) } : {}),
      ...(names.ports.length
        ? { ports: names.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })) }
        : {}),
      ...(c.resources ? { resources: { requests: { cpu: c.resources[0] }, limits: { cpu: c.resources[1] } } } : {}),
      ...(c.probe ? { readinessProbe: c.probe } : {}),
      ...(c.mounts?.length ? { volumeMounts: c.mounts.map((v) => ({ name: v, mountPath: `/mnt/${v}` })) } : {}),
    }));
}

const podSpec = fc
  .record({
    containerNames: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 5 }),
    initCount: fc.integer({ min: 0, max: 2 }),
    portNames: fc.uniqueArray(portName, { maxLength: 3 }),
    volumes: fc.uniqueArray(dnsLabel, { maxLength: 3 }),
    grace: fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }),
  })
  .filter((p) => p.initCount < p.containerNames.length)
  .chain((p) => {
    const init = p.containerNames.slice(0, p.initCount);
    const app = p.containerNames.slice(p.initCount);
    // Ports (unique names per pod) all go on the first app container.
    const ports = p.portNames.map((name, i) => ({ name, port: 8000 + i }));
    return fc
      .record({
        initContainers: fc.tuple(...init.map((n) => container({ container: n, ports: [] }, p.volumes, true))),
        containers: fc.tuple(...app.map((n, i) => container({ container: n, ports: i === 0 ? ports : [] }, p.volumes, false))),
        volumes: fc.tuple(
          ...p.volumes.map((name) =>
            fc.oneof(
              fc.constant({ name, emptyDir: {} }),
              fc.constant({ name, emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }),
              dnsLabel.map((cm) => ({ name, configMap: { name: cm } })),
              dnsLabel.map((s) => ({ name, secret: { secretName: s, defaultMode: 0o400 } })),
            ),
          ),
        ),
      })
      .map((spec) => ({ ...spec, ...(p.grace !== undefined ? { terminationGracePeriodSeconds: p.grace } : {}) }));
  });

const releaseBody = fc
  .record(
    {
      version,
      podSpec,
      podLabels: fc.dictionary(labelKey, labelValue, { maxKeys: 3 }),
      podAnnotations: fc.dictionary(labelKey, fc.string({ maxLength: 30 }), { maxKeys: 3 }),
      hooks: fc.uniqueArray(dnsLabel, { maxLength: 2 }).map((names) => ({
        preDeploy: names.map((name) => ({ name, podSpec: { containers: [{ name: 'hook', image: 'busybox:1' }] } })),
      })),
      notes: fc.string({ maxLength: 50 }),
      commitSha: fc.stringMatching(/^[0-9a-f]{7,40}$/),
    },
    { requiredKeys: ['version', 'podSpec'] },
  );

describe('validateReleaseInput (properties)', () => {
  it('accepts every valid generated spec, and its normalised form round-trips unchanged', () => {
    fc.assert(
      fc.property(releaseBody, (body) => {
        const first = validateReleaseInput(body, 'app');
        expect(first.ok ? [] : first.errors).toEqual([]);
        if (!first.ok) return;
        // Through JSON, as it would travel through the API and JSONB.
        const again = validateReleaseInput(JSON.parse(JSON.stringify(toReleaseInput(first.value))), 'app');
        expect(again).toEqual(first);
        expect(canonicalJson(again.ok && again.value.spec)).toBe(canonicalJson(first.value.spec));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps init container order', () => {
    fc.assert(
      fc.property(releaseBody, (body) => {
        const result = validateReleaseInput(body, 'app');
        if (!result.ok) return;
        expect(result.value.spec.podSpec.initContainers.map((c) => c.name)).toEqual(body.podSpec.initContainers.map((c) => c.name));
      }),
      { numRuns: 100 },
    );
  });

  it('canonical JSON ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });

  it('compares quantities exactly across suffixes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (milli) => {
        const a = parseQuantity(`${milli}m`);
        const b = parseQuantity(`${milli / 1000}`);
        expect(a && b && compareQuantities(a, b)).toBe(0);
      }),
    );
    expect(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1G')!)).toBe(1);
    expect(compareQuantities(parseQuantity('1e3')!, parseQuantity('1k')!)).toBe(0);
    expect(compareQuantities(parseQuantity('128Mi')!, parseQuantity('134217728')!)).toBe(0);
    expect(parseQuantity('1.5.5')).toBeUndefined();
  });
});
