// Just enough Kubernetes protobuf to accept kubectl's imperative creates (`kubectl create namespace|configmap|secret|
// service|deployment|job`, `kubectl expose`), which client-go sends as application/vnd.kubernetes.protobuf.
// Schema-driven: a field the schema does not know makes the whole body unsupported (415) rather than silently lost.

export class ProtobufUnsupported extends Error {}

type Kind = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'strings' | 'map' | 'bytesMap' | 'intOrString' | 'quantityMap' | 'ignore'
  | { msg: Schema; repeated?: boolean };
type Schema = Record<number, [string, Kind]>;

const OWNER_REF: Schema = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };

// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto
const OBJECT_META: Schema = {
  1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 4: ['selfLink', 'string'], 5: ['uid', 'string'],
  6: ['resourceVersion', 'string'], 7: ['generation', 'int'], 8: ['creationTimestamp', 'time'], 9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'], 11: ['labels', 'map'], 12: ['annotations', 'map'],
  13: ['ownerReferences', { msg: OWNER_REF, repeated: true }], 14: ['finalizers', 'strings'],
};

// k8s.io/api/{core,apps,batch}/v1/generated.proto — the fields kubectl's generators fill in.
const LABEL_SELECTOR: Schema = {
  1: ['matchLabels', 'map'],
  2: ['matchExpressions', { msg: { 1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'strings'] }, repeated: true }],
};
const CONTAINER_PORT: Schema = { 1: ['name', 'string'], 2: ['hostPort', 'int'], 3: ['containerPort', 'int'], 4: ['protocol', 'string'], 5: ['hostIP', 'string'] };
const ENV_VAR: Schema = { 1: ['name', 'string'], 2: ['value', 'string'] };
const RESOURCES: Schema = { 1: ['limits', 'quantityMap'], 2: ['requests', 'quantityMap'] };
const CONTAINER: Schema = {
  1: ['name', 'string'], 2: ['image', 'string'], 3: ['command', 'strings'], 4: ['args', 'strings'], 5: ['workingDir', 'string'],
  6: ['ports', { msg: CONTAINER_PORT, repeated: true }], 7: ['env', { msg: ENV_VAR, repeated: true }], 8: ['resources', { msg: RESOURCES }],
  13: ['terminationMessagePath', 'string'], 14: ['imagePullPolicy', 'string'], 16: ['stdin', 'bool'], 17: ['stdinOnce', 'bool'],
  18: ['tty', 'bool'], 20: ['terminationMessagePolicy', 'string'],
};
// Go marshals every non-pointer scalar, empty or not: they must be known here (empty ones are dropped when decoding).
const POD_SPEC: Schema = {
  2: ['containers', { msg: CONTAINER, repeated: true }], 3: ['restartPolicy', 'string'], 4: ['terminationGracePeriodSeconds', 'int'],
  5: ['activeDeadlineSeconds', 'int'], 6: ['dnsPolicy', 'string'], 7: ['nodeSelector', 'map'], 8: ['serviceAccountName', 'string'],
  9: ['serviceAccount', 'string'], 10: ['nodeName', 'string'], 11: ['hostNetwork', 'bool'], 12: ['hostPID', 'bool'], 13: ['hostIPC', 'bool'],
  16: ['hostname', 'string'], 17: ['subdomain', 'string'], 19: ['schedulerName', 'string'],
  20: ['initContainers', { msg: CONTAINER, repeated: true }], 24: ['priorityClassName', 'string'],
};
const POD_TEMPLATE: Schema = { 1: ['metadata', { msg: OBJECT_META }], 2: ['spec', { msg: POD_SPEC }] };

const KINDS: Record<string, Schema> = {
  'v1/Namespace': { 1: ['metadata', { msg: OBJECT_META }], 2: ['spec', { msg: { 1: ['finalizers', 'strings'] } }], 3: ['status', { msg: { 1: ['phase', 'string'] } }] },
  'v1/ConfigMap': { 1: ['metadata', { msg: OBJECT_META }], 2: ['data', 'map'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] },
  'v1/Secret': { 1: ['metadata', { msg: OBJECT_META }], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
  'v1/Service': {
    1: ['metadata', { msg: OBJECT_META }],
    2: ['spec', { msg: {
      1: ['ports', { msg: {
        1: ['name', 'string'], 2: ['protocol', 'string'], 3: ['port', 'int'], 4: ['targetPort', 'intOrString'], 5: ['nodePort', 'int'],
        6: ['appProtocol', 'string'],
      }, repeated: true }],
      2: ['selector', 'map'], 3: ['clusterIP', 'string'], 4: ['type', 'string'], 5: ['externalIPs', 'strings'], 7: ['sessionAffinity', 'string'],
      8: ['loadBalancerIP', 'string'], 10: ['externalName', 'string'], 11: ['externalTrafficPolicy', 'string'],
      12: ['healthCheckNodePort', 'int'], 13: ['publishNotReadyAddresses', 'bool'], 18: ['clusterIPs', 'strings'],
    } }],
    3: ['status', { msg: { 1: ['loadBalancer', { msg: {} }] } }],
  },
  'apps/v1/Deployment': {
    1: ['metadata', { msg: OBJECT_META }],
    2: ['spec', { msg: {
      1: ['replicas', 'int'], 2: ['selector', { msg: LABEL_SELECTOR }], 3: ['template', { msg: POD_TEMPLATE }],
      4: ['strategy', { msg: { 1: ['type', 'string'] } }], 5: ['minReadySeconds', 'int'], 6: ['revisionHistoryLimit', 'int'], 7: ['paused', 'bool'],
      9: ['progressDeadlineSeconds', 'int'],
    } }],
    // A create's status is reset by the server anyway.
    3: ['status', 'ignore'],
  },
  'batch/v1/Job': {
    1: ['metadata', { msg: OBJECT_META }],
    2: ['spec', { msg: {
      1: ['parallelism', 'int'], 2: ['completions', 'int'], 3: ['activeDeadlineSeconds', 'int'], 4: ['selector', { msg: LABEL_SELECTOR }],
      5: ['manualSelector', 'bool'], 6: ['template', { msg: POD_TEMPLATE }], 7: ['backoffLimit', 'int'],
    } }],
    // A create's status is reset by the server anyway.
    3: ['status', 'ignore'],
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end = buf.length) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw new ProtobufUnsupported('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw new ProtobufUnsupported('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new ProtobufUnsupported(`wire type ${wire}`);
  }
}

function fields(buf: Buffer, visit: (num: number, wire: number, r: Reader) => void): void {
  const r = new Reader(buf);
  while (r.pos < r.end) {
    const key = Number(r.varint());
    visit(key >>> 3, key & 7, r);
  }
}

function toSigned(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function decodeMessage(buf: Buffer, schema: Schema, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  fields(buf, (num, wire, r) => {
    const spec = schema[num];
    if (!spec) throw new ProtobufUnsupported(`${where}: field ${num}`);
    const [name, kind] = spec;
    // Go encodes empty optional scalars; its JSON omits them (omitempty), and so does the decoded object.
    if (kind === 'int') { const v = toSigned(r.varint()); if (v !== 0) out[name] = v; return; }
    if (kind === 'bool') { if (r.varint() !== 0n) out[name] = true; return; }
    const data = r.bytes();
    switch (kind) {
      case 'ignore': return;
      case 'string': if (data.length) out[name] = data.toString('utf8'); return;
      case 'bytes': out[name] = data.toString('base64'); return;
      case 'strings': out[name] = [...((out[name] as string[]) ?? []), data.toString('utf8')]; return;
      case 'time': {
        const t = decodeMessage(data, { 1: ['seconds', 'int'], 2: ['nanos', 'int'] }, `${where}.${name}`);
        const seconds = (t.seconds as number | undefined) ?? 0;
        // A zero time (null in JSON) travels as an empty Timestamp.
        if (seconds !== 0 || t.nanos) out[name] = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
        return;
      }
      case 'intOrString': {
        const v = decodeMessage(data, { 1: ['type', 'int'], 2: ['intVal', 'int'], 3: ['strVal', 'string'] }, `${where}.${name}`);
        out[name] = v.type === 1 ? String(v.strVal ?? '') : ((v.intVal as number | undefined) ?? 0);
        return;
      }
      case 'quantityMap': {
        const entry = decodeMessage(data, { 1: ['key', 'string'], 2: ['value', { msg: { 1: ['string', 'string'] } }] }, `${where}.${name}`);
        const m = (out[name] as Record<string, string>) ?? {};
        m[String(entry.key ?? '')] = String((entry.value as { string?: string } | undefined)?.string ?? '');
        out[name] = m;
        return;
      }
      case 'map':
      case 'bytesMap': {
        const entry = decodeMessage(data, { 1: ['key', 'string'], 2: ['value', kind === 'map' ? 'string' : 'bytes'] }, `${where}.${name}`);
        const m = (out[name] as Record<string, string>) ?? {};
        m[String(entry.key ?? '')] = String(entry.value ?? '');
        out[name] = m;
        return;
      }
      default: {
        const v = decodeMessage(data, kind.msg, `${where}.${name}`);
        out[name] = kind.repeated ? [...((out[name] as unknown[]) ?? []), v] : v;
      }
    }
  });
  return out;
}

/** Decodes a `k8s\0`-prefixed runtime.Unknown envelope into a JSON object; throws ProtobufUnsupported otherwise. */
export function decodeKubeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(MAGIC)) throw new ProtobufUnsupported('missing k8s protobuf envelope');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer | undefined;
  fields(body.subarray(4), (num, wire, r) => {
    if (num === 1 && wire === 2) {
      fields(r.bytes(), (n, _w, tr) => {
        const v = tr.bytes().toString('utf8');
        if (n === 1) apiVersion = v;
        else if (n === 2) kind = v;
      });
    } else if (num === 2 && wire === 2) raw = r.bytes();
    else r.skip(wire);
  });
  const schema = KINDS[`${apiVersion}/${kind}`];
  if (!schema || !raw) throw new ProtobufUnsupported(`${apiVersion}/${kind}`);
  return { apiVersion, kind, ...decodeMessage(raw, schema, kind) };
}
