// Simulated Node objects: sim-node-1..N, 4 CPU / 8Gi / 110 pods allocatable, Ready.
import type { KubeObject, ObjectStore } from '../store/store.types';
import { R } from '../controllers/runtime/resources';
import type { SimClock } from '../controllers/runtime/sim-clock';

export const NodeCapacity = { cpu: '4', memory: '8Gi', pods: '110' } as const;

export function nodeName(i: number): string {
  return `sim-node-${i}`;
}

/** Node InternalIP: data only, never contacted. */
export function nodeIP(i: number): string {
  return `172.18.${Math.floor(i / 250)}.${(i % 250) + 2}`;
}

/** The node's pod CIDR prefix (10.244.<n>.0/24, as kubeadm/kind allocate). */
export function podCidrPrefix(i: number): string {
  return `10.${244 + Math.floor((i - 1) / 256)}.${(i - 1) % 256}`;
}

export function ensureNodes(store: ObjectStore, count: number, clock: SimClock): void {
  for (let i = 1; i <= count; i++) {
    const name = nodeName(i);
    if (store.get(R.nodes, undefined, name)) continue;
    const now = clock.timestamp();
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'sim.large',
          'topology.kubernetes.io/zone': `sim-zone-${((i - 1) % 3) + 1}`,
        },
      },
      spec: { podCIDR: `${podCidrPrefix(i)}.0/24`, podCIDRs: [`${podCidrPrefix(i)}.0/24`] },
    };
    store.create(R.nodes, node);
    store.mutateStatus(R.nodes, undefined, name, (o) => {
      o.status = {
        capacity: { ...NodeCapacity, 'ephemeral-storage': '100Gi' },
        allocatable: { ...NodeCapacity, 'ephemeral-storage': '100Gi' },
        conditions: [
          ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
          ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
          ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
          ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
        ].map(([type, status, reason, message]) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message })),
        addresses: [
          { type: 'InternalIP', address: nodeIP(i) },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: '', systemUUID: '', bootID: '', kernelVersion: '6.8.0-sim', osImage: 'kube-sim', containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: 'v1.32.13', kubeProxyVersion: 'v1.32.13', operatingSystem: 'linux', architecture: 'amd64',
        },
      };
    });
  }
}
