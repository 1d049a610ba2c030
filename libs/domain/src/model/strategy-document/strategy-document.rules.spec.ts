import { describe, expect, it } from 'vitest';
import { parseStrategyDocument } from './strategy-document.rules';
import { parseDuration, resolveIntOrPercent } from './strategy-fields.rules';

describe('parseStrategyDocument: valid documents are normalised with defaults', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['Recreate', { type: 'Recreate' }, { type: 'Recreate', progressDeadlineSeconds: 600 }],
    [
      'RollingUpdate defaults',
      { type: 'RollingUpdate' },
      { type: 'RollingUpdate', maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds: 600 },
    ],
    [
      'RollingUpdate from the issue',
      { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds: 600 },
      { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: '25%', minReadySeconds: 0, progressDeadlineSeconds: 600 },
    ],
    [
      'RollingUpdate with surge only',
      { type: 'RollingUpdate', maxSurge: '100%', maxUnavailable: 0, progressDeadlineSeconds: '2m' },
      { type: 'RollingUpdate', maxSurge: '100%', maxUnavailable: 0, minReadySeconds: 0, progressDeadlineSeconds: 120 },
    ],
    [
      'BlueGreen defaults',
      { type: 'BlueGreen' },
      {
        type: 'BlueGreen',
        autoPromotionEnabled: false,
        autoPromotionSeconds: 30,
        scaleDownDelaySeconds: 30,
        previewReplicaCount: null,
        prePromotionChecks: [],
        postPromotionChecks: [],
        prePromotionAnalysis: null,
        postPromotionAnalysis: null,
        progressDeadlineSeconds: 600,
      },
    ],
    [
      'BlueGreen with checks',
      {
        type: 'BlueGreen',
        autoPromotionEnabled: true,
        autoPromotionSeconds: '1m',
        scaleDownDelaySeconds: 5,
        previewReplicaCount: 1,
        prePromotionChecks: [{ url: 'http://app-preview/healthz', timeout: '2s', interval: '1s', count: 3, failureLimit: 1 }],
        postPromotionChecks: [{ name: 'smoke', url: 'https://app/', expectStatus: 204, timeout: 1, interval: 1, count: 1, failureLimit: 0 }],
        prePromotionAnalysis: null,
        postPromotionAnalysis: null,
      },
      {
        type: 'BlueGreen',
        autoPromotionEnabled: true,
        autoPromotionSeconds: 60,
        scaleDownDelaySeconds: 5,
        previewReplicaCount: 1,
        prePromotionChecks: [
          { name: 'pre-1', url: 'http://app-preview/healthz', expectStatus: 200, timeout: 2, interval: 1, count: 3, failureLimit: 1 },
        ],
        postPromotionChecks: [{ name: 'smoke', url: 'https://app/', expectStatus: 204, timeout: 1, interval: 1, count: 1, failureLimit: 0 }],
        prePromotionAnalysis: null,
        postPromotionAnalysis: null,
        progressDeadlineSeconds: 600,
      },
    ],
    [
      'Canary from the issue',
      {
        type: 'Canary',
        trafficRouting: { type: 'replicas' },
        steps: [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }],
      },
      {
        type: 'Canary',
        trafficRouting: { type: 'replicas' },
        steps: [{ setWeight: 20 }, { pause: { duration: 30 } }, { setWeight: 50 }, { pause: { duration: null } }, { setWeight: 100 }],
        backgroundAnalysis: null,
        progressDeadlineSeconds: 600,
      },
    ],
    [
      'Canary without routing defaults to replicas; scale and check steps',
      {
        type: 'Canary',
        steps: [{ setCanaryScale: { replicas: 2 } }, { setCanaryScale: { weight: 50 } }, { setCanaryScale: { matchTrafficWeight: true } }, { check: { url: 'http://x/' } }],
      },
      {
        type: 'Canary',
        trafficRouting: { type: 'replicas' },
        steps: [
          { setCanaryScale: { replicas: 2 } },
          { setCanaryScale: { weight: 50 } },
          { setCanaryScale: { matchTrafficWeight: true } },
          { check: { name: 'step-4', url: 'http://x/', expectStatus: 200, timeout: 5, interval: 10, count: 1, failureLimit: 0 } },
        ],
        backgroundAnalysis: null,
        progressDeadlineSeconds: 600,
      },
    ],
    [
      'Canary by nginx with header',
      { type: 'Canary', trafficRouting: { type: 'nginx', host: 'app.example.com', header: { name: 'X-Canary', value: 'always' } }, steps: [{ setWeight: 10 }] },
      {
        type: 'Canary',
        trafficRouting: { type: 'nginx', host: 'app.example.com', ingressClassName: null, header: { name: 'X-Canary', value: 'always' } },
        steps: [{ setWeight: 10 }],
        backgroundAnalysis: null,
        progressDeadlineSeconds: 600,
      },
    ],
    [
      'Canary by Gateway API',
      { type: 'Canary', trafficRouting: { type: 'gatewayApi', parentRef: { name: 'gw', namespace: 'infra' } }, steps: [{ setWeight: 10 }], progressDeadlineSeconds: 30 },
      {
        type: 'Canary',
        trafficRouting: { type: 'gatewayApi', parentRef: { name: 'gw', namespace: 'infra' }, header: null },
        steps: [{ setWeight: 10 }],
        backgroundAnalysis: null,
        progressDeadlineSeconds: 30,
      },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(parseStrategyDocument(input)).toEqual({ ok: true, value: expected });
  });
});

describe('parseStrategyDocument: invalid documents name the field and the rule', () => {
  const cases: Array<[string, unknown, string, string]> = [
    ['not an object', 'Canary', 'strategy', 'type'],
    ['no type', {}, 'strategy.type', 'required'],
    ['unknown type', { type: 'Shadow' }, 'strategy.type', 'one-of'],
    ['unknown field', { type: 'Recreate', maxSurge: 1 }, 'strategy.maxSurge', 'unknown-field'],
    ['both zero', { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: '0%' }, 'strategy.maxUnavailable', 'not-both-zero'],
    ['bad percent', { type: 'RollingUpdate', maxSurge: 'lots' }, 'strategy.maxSurge', 'int-or-percent'],
    ['unavailable over 100%', { type: 'RollingUpdate', maxUnavailable: '150%' }, 'strategy.maxUnavailable', 'range'],
    ['negative surge', { type: 'RollingUpdate', maxSurge: -1 }, 'strategy.maxSurge', 'range'],
    ['minReady over deadline', { type: 'RollingUpdate', minReadySeconds: 700 }, 'strategy.minReadySeconds', 'range'],
    ['canary without steps', { type: 'Canary' }, 'strategy.steps', 'required'],
    ['canary with empty steps', { type: 'Canary', steps: [] }, 'strategy.steps', 'min-items'],
    ['weight above 100', { type: 'Canary', steps: [{ setWeight: 101 }] }, 'strategy.steps[0].setWeight', 'range'],
    ['weight below 0', { type: 'Canary', steps: [{ setWeight: -5 }] }, 'strategy.steps[0].setWeight', 'range'],
    ['unknown step', { type: 'Canary', steps: [{ jump: 1 }] }, 'strategy.steps[0].jump', 'unknown-field'],
    ['two actions in a step', { type: 'Canary', steps: [{ setWeight: 1, pause: {} }] }, 'strategy.steps[0]', 'exactly-one'],
    ['bad pause duration', { type: 'Canary', steps: [{ pause: { duration: '10 minutes' } }] }, 'strategy.steps[0].pause.duration', 'duration'],
    ['negative duration', { type: 'BlueGreen', scaleDownDelaySeconds: -1 }, 'strategy.scaleDownDelaySeconds', 'duration'],
    ['canary scale weight', { type: 'Canary', steps: [{ setCanaryScale: { weight: 200 } }] }, 'strategy.steps[0].setCanaryScale.weight', 'range'],
    ['unknown routing', { type: 'Canary', trafficRouting: { type: 'istio' }, steps: [{ setWeight: 1 }] }, 'strategy.trafficRouting.type', 'one-of'],
    ['nginx without host', { type: 'Canary', trafficRouting: { type: 'nginx' }, steps: [{ setWeight: 1 }] }, 'strategy.trafficRouting.host', 'required'],
    [
      'gateway without parentRef name',
      { type: 'Canary', trafficRouting: { type: 'gatewayApi', parentRef: {} }, steps: [{ setWeight: 1 }] },
      'strategy.trafficRouting.parentRef.name',
      'required',
    ],
    [
      'bad header name',
      { type: 'Canary', trafficRouting: { type: 'nginx', host: 'a', header: { name: 'X Canary', value: 'y' } }, steps: [{ setWeight: 1 }] },
      'strategy.trafficRouting.header.name',
      'header-name',
    ],
    ['check without url', { type: 'BlueGreen', prePromotionChecks: [{ count: 1 }] }, 'strategy.prePromotionChecks[0].url', 'required'],
    ['check with ftp url', { type: 'BlueGreen', postPromotionChecks: [{ url: 'ftp://x' }] }, 'strategy.postPromotionChecks[0].url', 'url'],
    ['check with bad interval', { type: 'Canary', steps: [{ check: { url: 'http://x', interval: 'soon' } }] }, 'strategy.steps[0].check.interval', 'duration'],
    ['bool as string', { type: 'BlueGreen', autoPromotionEnabled: 'yes' }, 'strategy.autoPromotionEnabled', 'type'],
    ['preview replicas zero', { type: 'BlueGreen', previewReplicaCount: 0 }, 'strategy.previewReplicaCount', 'range'],
  ];
  it.each(cases)('%s', (_name, input, path, rule) => {
    const result = parseStrategyDocument(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toContainEqual(expect.objectContaining({ path, rule }));
  });

  it('lists every broken rule, under the path the caller gives', () => {
    const result = parseStrategyDocument({ type: 'Canary', steps: [{ setWeight: 120 }, { pause: { duration: 'x' } }], extra: 1 }, 'body.strategy');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.map((e) => e.path).sort()).toEqual(['body.strategy.extra', 'body.strategy.steps[0].setWeight', 'body.strategy.steps[1].pause.duration']);
    }
  });
});

describe('durations and int-or-percent', () => {
  it.each([
    [30, 30],
    [0, 0],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['2m5s', 125],
    ['', undefined],
    ['5', undefined],
    ['5d', undefined],
    [-1, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [null, undefined],
  ])('parseDuration(%j) = %j', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    [2, 10, true, 2],
    ['100%', 3, true, 3],
  ] as const)('resolveIntOrPercent(%j, %d, roundUp=%s) = %d', (value, replicas, up, expected) => {
    expect(resolveIntOrPercent(value, replicas, up)).toBe(expected);
  });
});
