// Per-pod lifecycle projections of watch events: phase, binding, deletion, IP, conditions and the first init and
// app container states, collapsed. Compared as a sorted multiset, so pod names and cross-pod timing do not matter.

const containerState = (c: any): string =>
  c ? `${Object.keys(c.state ?? {})[0] ?? '?'}:${c.state?.waiting?.reason ?? c.state?.terminated?.reason ?? ''}${c.ready ? '+ready' : ''}${c.started ? '+started' : ''}` : '-';

export function podState(o: any): string {
  const conds = (o.status?.conditions ?? []).map((c: any) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`).join(',');
  return [
    o.status?.phase,
    o.spec?.nodeName ? 'bound' : 'unbound',
    o.metadata?.deletionTimestamp ? 'deleting' : '',
    o.status?.podIP ? 'ip' : '',
    conds,
    `init:${containerState(o.status?.initContainerStatuses?.[0])}`,
    `app:${containerState(o.status?.containerStatuses?.[0])}`,
  ].join(' ');
}

/**
 * `bindingInOneEvent` false: the store has no mutateWithStatus, so a binding shows as spec.nodeName first and
 * PodScheduled one event later; that intermediate state is dropped before comparing.
 */
export function podLifecycles(events: { resource: string; type: string; object: any }[], bindingInOneEvent = true): string[] {
  const seqs = new Map<string, string[]>();
  for (const e of events) {
    if (e.resource !== 'pods') continue;
    const uid = e.object.metadata.uid;
    let s = seqs.get(uid);
    if (!s) seqs.set(uid, (s = []));
    if (e.type === 'DELETED') {
      s.push('DELETED');
      continue;
    }
    const bareBinding = e.object.spec?.nodeName && !(e.object.status?.conditions ?? []).some((c: any) => c.type === 'PodScheduled');
    if (!bindingInOneEvent && bareBinding) continue;
    s.push(podState(e.object));
  }
  return [...seqs.values()].map((s) => s.filter((x, i) => i === 0 || x !== s[i - 1]).join('\n  → ')).sort();
}
