import { describe, expect, it } from 'vitest';
import { parseStrategyDocument } from '../model/strategy-document/strategy-document.rules';
import type { StrategyDocument } from '../model/strategy-document/strategy-document.types';
import { plan } from './deployment.plan';

function doc(input: unknown): StrategyDocument {
  const parsed = parseStrategyDocument(input);
  if (!parsed.ok) throw new Error('bad document');
  return parsed.value;
}

describe('plan', () => {
  it('Canary by replicas: canary pods per step, stable at N, traffic as the pod ratio', () => {
    const p = plan(doc({ type: 'Canary', steps: [{ setWeight: 20 }, { pause: { duration: '30s' } }, { setWeight: 50 }, { pause: {} }, { setWeight: 100 }] }), 10);
    expect(p.steps.map((s) => [s.title, s.replicas, s.newTrafficPercent])).toEqual([
      ['Set weight 20%', { stable: 10, canary: 2 }, 16.7],
      ['Pause 30s', { stable: 10, canary: 2 }, 16.7],
      ['Set weight 50%', { stable: 10, canary: 5 }, 33.3],
      ['Pause until promoted', { stable: 10, canary: 5 }, 33.3],
      ['Set weight 100%', { stable: 10, canary: 10 }, 50],
      ['Move stable to the new release, then scale the canary to zero', { stable: 10, canary: 0 }, 100],
    ]);
    expect(p.minimumDurationSeconds).toBe(30);
    expect(p.peakPods).toBe(23);
  });

  it('Canary by NGINX: traffic is the weight', () => {
    const p = plan(doc({ type: 'Canary', trafficRouting: { type: 'nginx', host: 'a' }, steps: [{ setWeight: 20 }] }), 10);
    expect(p.steps[0].newTrafficPercent).toBe(20);
  });

  it.each<[unknown, number, number]>([
    [{ type: 'Recreate' }, 4, 4],
    [{ type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 }, 4, 5],
    [{ type: 'RollingUpdate' }, 10, 13],
    [{ type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 }, 4, 4],
    [{ type: 'BlueGreen' }, 4, 8],
  ])('%j with %d replicas peaks at %d pods', (input, replicas, peak) => {
    const p = plan(doc(input), replicas);
    expect(p.peakPods).toBe(peak);
    expect(p.extraPods).toBe(peak - replicas);
  });

  it('BlueGreen lists its stages and the time they take at least', () => {
    const p = plan(doc({ type: 'BlueGreen', autoPromotionEnabled: true, autoPromotionSeconds: 10, scaleDownDelaySeconds: 30, prePromotionChecks: [{ url: 'http://x', count: 3, interval: 5 }] }), 2);
    expect(p.steps.map((s) => s.wait.type)).toEqual(['ready', 'checks', 'promote', 'ready', 'duration']);
    expect(p.minimumDurationSeconds).toBe(10 + 10 + 30);
  });
});
