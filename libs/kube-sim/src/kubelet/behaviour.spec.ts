import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../store/store.types';
import { backoffMs, imageTag, parseDuration, parseQuantity, podRequests, qosClass } from './behaviour';

const pod = (spec: any): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

describe('behaviour controls', () => {
  it('parses durations and image tags', () => {
    expect(parseDuration('2s')).toBe(2000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('1m')).toBe(60_000);
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('soon')).toBeUndefined();
    expect(imageTag('registry.example:5000/web:broken')).toBe('broken');
    expect(imageTag('registry.example:5000/web')).toBe('latest');
    expect(imageTag('web:v1@sha256:abc')).toBe('v1');
  });

  it('backs off 10s, 20s, 40s … capped at 5m', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(backoffMs)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
  });

  it('computes requests like the scheduler and the QoS class like the apiserver', () => {
    expect(parseQuantity('500m', true)).toBe(500);
    expect(parseQuantity('2', true)).toBe(2000);
    expect(parseQuantity('128Mi', false)).toBe(128 * 1024 * 1024);
    const p = pod({
      initContainers: [{ name: 'i', resources: { requests: { cpu: '3' } } }],
      containers: [{ name: 'a', resources: { requests: { cpu: '1', memory: '1Gi' } } }, { name: 'b', resources: { limits: { cpu: '500m', memory: '1Gi' } } }],
    });
    expect(podRequests(p)).toEqual({ cpu: 3000, memory: 2 * 1024 ** 3 });
    expect(qosClass(pod({ containers: [{ name: 'a' }] }))).toBe('BestEffort');
    expect(qosClass(pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }))).toBe('Guaranteed');
    expect(qosClass(p)).toBe('Burstable');
  });
});
