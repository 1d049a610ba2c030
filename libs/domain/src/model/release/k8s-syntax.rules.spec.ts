import { describe, expect, it } from 'vitest';
import { defaultPullPolicy } from './container.rules';
import { isDownwardApiFieldPath } from './env.rules';
import { isDns1123Label, isDns1123Subdomain, isIanaSvcName, isImageReference, isLabelValue, isQualifiedName, isSafeRelativePath } from './k8s-syntax.rules';
import { validateLabels } from './labels.rules';

describe('Kubernetes name syntax', () => {
  it.each([
    ['web', true],
    ['a', true],
    ['a-b-1', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-web', false],
    ['web-', false],
    ['Web', false],
    ['w_b', false],
    ['w.b', false],
    ['', false],
  ])('DNS-1123 label %j → %s', (name, ok) => expect(isDns1123Label(name)).toBe(ok));

  it.each([
    ['db-secret', true],
    ['tls.example.com', true],
    ['a..b', false],
    ['.a', false],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`, true],
    [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, false],
  ])('DNS-1123 subdomain %j → %s', (name, ok) => expect(isDns1123Subdomain(name)).toBe(ok));

  it.each([
    ['http', true],
    ['metrics-9090', true],
    ['a'.repeat(15), true],
    ['a'.repeat(16), false],
    ['8080', false],
    ['a--b', false],
    ['-a', false],
    ['HTTP', false],
  ])('IANA service name %j → %s', (name, ok) => expect(isIanaSvcName(name)).toBe(ok));

  it.each([
    ['team', true],
    ['app.kubernetes.io/name', true],
    ['example.com/Tier_1', true],
    ['a/b/c', false],
    ['/name', false],
    ['Example.com/x', false],
    ['x'.repeat(64), false],
    ['team-', false],
  ])('qualified name %j → %s', (key, ok) => expect(isQualifiedName(key)).toBe(ok));

  it.each([
    ['', true],
    ['v1.2_3-x', true],
    ['x'.repeat(64), false],
    ['a b', false],
    ['-a', false],
  ])('label value %j → %s', (value, ok) => expect(isLabelValue(value)).toBe(ok));

  it.each([
    ['config/app.yaml', true],
    ['..data', true],
    ['/etc', false],
    ['a/../../b', false],
    ['', false],
  ])('safe relative path %j → %s', (path, ok) => expect(isSafeRelativePath(path)).toBe(ok));
});

describe('defaults and helpers', () => {
  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:2', 'IfNotPresent'],
    ['nginx@sha256:0123abcd', 'IfNotPresent'],
  ])('pull policy of %s is %s', (image, policy) => expect(defaultPullPolicy(image)).toBe(policy));

  it.each([
    ["metadata.labels['app.kubernetes.io/name']", true],
    ["metadata.annotations['example.com/x']", true],
    ['metadata.labels', false],
    ["metadata.labels['bad key']", false],
    ['status.podIPs', true],
    ['spec.containers', false],
  ])('downward API field %j → %s', (path, ok) => expect(isDownwardApiFieldPath(path)).toBe(ok));

  it('validates a label map for other records, naming each key', () => {
    expect(validateLabels({ team: 'a' })).toEqual({ ok: true, value: { team: 'a' } });
    expect(validateLabels(undefined)).toEqual({ ok: true, value: {} });
    const bad = validateLabels({ 'a b': 'x', ok: 'y z', n: 1 }, 'labels');
    expect(bad.ok ? [] : bad.errors.map((e) => [e.path, e.rule])).toEqual([
      ['labels.n', 'type'],
      ['labels["a b"]', 'label-key'],
      ['labels.ok', 'label-value'],
    ]);
    const notMap = validateLabels(['x'], 'labels');
    expect(notMap.ok ? [] : notMap.errors.map((e) => [e.path, e.rule])).toEqual([['labels', 'type']]);
  });
});

describe('isImageReference', () => {
  it.each(['nginx', 'nginx:1.27', 'busybox:1.36', 'registry.example.com/checkout:1.4.0', 'localhost:5000/team/app:v1', 'r/x:1', 'ghcr.io/org/a_b__c-d:v1.2-rc.1', `app@sha256:${'a'.repeat(64)}`, `reg.io/app:1@sha256:${'0'.repeat(64)}`])(
    'accepts %s',
    (image) => expect(isImageReference(image)).toBe(true),
  );
  it.each(['', '../etc/passwd', 'registry/../app', 'a/./b', 'Nginx', 'nginx:', 'nginx@sha256:xyz', 'a\u0007b', 'a\u0000', 'nginx :1', '/abs', 'a//b', `a:${'t'.repeat(129)}`, 'a'.repeat(513), 'http://reg/app'])(
    'refuses %j',
    (image) => expect(isImageReference(image)).toBe(false),
  );
});
