// Per-pod views of Endpoints and EndpointSlice events: the sequence of states each pod went through
// (e.g. notReady → ready → gone), so runs can be compared without relying on pod names or cross-stream order.

function collapseSeq(seq: string[]): string[] {
  return seq.filter((s, i) => i === 0 || s !== seq[i - 1]);
}

function perPod(events: { resource: string; type: string; object: any }[], resource: string, states: (o: any) => Map<string, string>): string[] {
  const seqs = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const e of events) {
    if (e.resource !== resource) continue;
    const now = e.type === 'DELETED' ? new Map<string, string>() : states(e.object);
    for (const uid of new Set([...seen, ...now.keys()])) {
      seen.add(uid);
      let s = seqs.get(uid);
      if (!s) seqs.set(uid, (s = []));
      s.push(now.get(uid) ?? 'gone');
    }
  }
  return [...seqs.values()].map((s) => collapseSeq(s).join(' → ')).sort();
}

export function endpointsMembership(events: { resource: string; type: string; object: any }[]): string[] {
  return perPod(events, 'endpoints', (o) => {
    const m = new Map<string, string>();
    for (const s of o.subsets ?? []) {
      for (const a of s.addresses ?? []) m.set(a.targetRef?.uid, 'ready');
      for (const a of s.notReadyAddresses ?? []) m.set(a.targetRef?.uid, 'notReady');
    }
    return m;
  });
}

export function sliceMembership(events: { resource: string; type: string; object: any }[]): string[] {
  return perPod(events, 'endpointslices', (o) => {
    const m = new Map<string, string>();
    for (const e of o.endpoints ?? []) {
      const c = e.conditions ?? {};
      m.set(e.targetRef?.uid, `ready=${!!c.ready},serving=${!!c.serving},terminating=${!!c.terminating}`);
    }
    return m;
  });
}
