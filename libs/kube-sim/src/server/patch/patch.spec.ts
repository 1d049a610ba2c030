import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from './json-patch';
import { applyMergePatch } from './merge-patch';
import { applyStrategicMergePatch } from './strategic-merge-patch';

const deployment = () => ({
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'web:v1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 8080, protocol: 'TCP' }] },
          { name: 'side', image: 'side:v1' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
});

describe('merge patch', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    const out = applyMergePatch(deployment(), { metadata: { labels: { app: null, tier: 'x' } }, spec: { template: { spec: { volumes: [] } } } }) as any;
    expect(out.metadata.labels).toEqual({ tier: 'x' });
    expect(out.spec.template.spec.volumes).toEqual([]);
    expect(out.spec.template.spec.containers).toHaveLength(2);
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name and env by name', () => {
    const out = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { containers: [{ name: 'web', image: 'web:v2', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } },
    }) as any;
    const [web, side] = out.spec.template.spec.containers;
    expect(web.image).toBe('web:v2');
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(web.ports).toEqual([{ containerPort: 8080, protocol: 'TCP' }]);
    expect(side.image).toBe('side:v1');
  });

  it('supports $patch delete and replace, ports by containerPort, volumes by name, and finalizers union', () => {
    const out = applyStrategicMergePatch(deployment(), {
      metadata: { finalizers: ['b'] },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'side', $patch: 'delete' }, { name: 'web', ports: [{ containerPort: 9090 }] }],
            volumes: [{ name: 'cfg', configMap: { name: 'c' } }],
          },
        },
      },
    }) as any;
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['web']);
    expect(out.spec.template.spec.containers[0].ports.map((p: any) => p.containerPort)).toEqual([8080, 9090]);
    expect(out.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['data', 'cfg']);
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    const replaced = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'o' }] } } } }) as any;
    expect(replaced.spec.template.spec.containers).toEqual([{ name: 'only', image: 'o' }]);
    const mapReplace = applyStrategicMergePatch(deployment(), { metadata: { labels: { $patch: 'replace', x: 'y' } } }) as any;
    expect(mapReplace.metadata.labels).toEqual({ x: 'y' });
  });

  it('understands kubectl apply directives ($setElementOrder, $retainKeys, $deleteFromPrimitiveList)', () => {
    const out = applyStrategicMergePatch(
      { ...deployment(), spec: { ...deployment().spec, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      {
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] },
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null },
          template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }], containers: [{ name: 'web', image: 'web:v3' }] } },
        },
      },
    ) as any;
    expect(out.metadata.finalizers).toBeUndefined();
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(out.spec.template.spec.containers.map((c: any) => `${c.name}:${c.image}`)).toEqual(['side:side:v1', 'web:web:v3']);
  });
});

describe('JSON patch', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    const out = applyJsonPatch({ a: { b: [1, 2] }, c: 1 }, [
      { op: 'add', path: '/a/b/-', value: 3 },
      { op: 'add', path: '/a/b/0', value: 0 },
      { op: 'replace', path: '/c', value: 2 },
      { op: 'copy', from: '/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e' },
      { op: 'remove', path: '/a/b/1' },
      { op: 'test', path: '/e', value: 2 },
      { op: 'add', path: '/metadata~1x', value: true },
    ]);
    expect(out).toEqual({ a: { b: [0, 2, 3] }, c: 2, e: 2, 'metadata/x': true });
  });

  it('fails a test op and a missing path', () => {
    expect(() => applyJsonPatch({ spec: { replicas: 1 } }, [{ op: 'test', path: '/spec/replicas', value: 42 }])).toThrow(JsonPatchError);
    expect(() => applyJsonPatch({}, [{ op: 'replace', path: '/nope', value: 1 }])).toThrow(JsonPatchError);
  });
});
