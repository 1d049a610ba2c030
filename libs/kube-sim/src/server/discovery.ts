// Legacy (unaggregated) discovery documents, enough for client-node and kubectl's RESTMapper.
import { createHash } from 'node:crypto';
import type { ResourceDef } from '../store/resources';
import { RESOURCES } from '../store/resources';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.13-kube-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-29T00:00:00Z',
  goVersion: 'go1.23.5',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function groupVersions(): Map<string, ResourceDef[]> {
  const m = new Map<string, ResourceDef[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const gv = `${r.group}/${r.version}`;
    m.set(gv, [...(m.get(gv) ?? []), r]);
  }
  return m;
}

export function apiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(): unknown {
  const groups = new Map<string, string[]>();
  for (const gv of groupVersions().keys()) {
    const [g, v] = gv.split('/');
    groups.set(g, [...(groups.get(g) ?? []), v]);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups.entries()].map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    })),
  };
}

export function apiGroup(group: string): unknown | undefined {
  const list = apiGroupList() as { groups: { name: string }[] };
  const g = list.groups.find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}

const SUB_VERBS: Record<string, string[]> = { status: ['get', 'patch', 'update'], scale: ['get', 'patch', 'update'], log: ['get'] };

function storageVersionHash(r: ResourceDef): string {
  return createHash('sha256').update(`${r.group}/${r.version}/${r.kind}`).digest('base64').slice(0, 11);
}

/** APIResourceList of one group version ('' group = /api/v1), or undefined when not served. */
export function apiResourceList(group: string, version: string): unknown | undefined {
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (!defs.length) return undefined;
  const resources: unknown[] = [];
  for (const r of defs) {
    resources.push({
      name: r.resource,
      singularName: r.singularName,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: storageVersionHash(r),
    });
    for (const sub of r.subresources) {
      resources.push({
        name: `${r.resource}/${sub}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: r.kind }),
        verbs: SUB_VERBS[sub] ?? ['get'],
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
