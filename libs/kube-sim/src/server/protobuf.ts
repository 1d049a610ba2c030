// Just enough Kubernetes protobuf to accept kubectl's imperative creates of Namespaces, ConfigMaps and Secrets
// (`kubectl create namespace|configmap|secret generic`), which client-go sends as application/vnd.kubernetes.protobuf.
// Schema-driven: a field the schema does not know makes the whole body unsupported (415) rather than silently lost.

export class ProtobufUnsupported extends Error {}

type Kind = 'string' | 'bytes' | 'int' | 'bool' | 'time' | 'strings' | 'map' | 'bytesMap' | { msg: Schema; repeated?: boolean };
type Schema = Record<number, [string, Kind]>;

const OWNER_REF: Schema = { 1: ['kind', 'string'], 3: ['name', 'string'], 4: ['uid', 'string'], 5: ['apiVersion', 'string'], 6: ['controller', 'bool'], 7: ['blockOwnerDeletion', 'bool'] };

// k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto
const OBJECT_META: Schema = {
  1: ['name', 'string'], 2: ['generateName', 'string'], 3: ['namespace', 'string'], 4: ['selfLink', 'string'], 5: ['uid', 'string'],
  6: ['resourceVersion', 'string'], 7: ['generation', 'int'], 8: ['creationTimestamp', 'time'], 9: ['deletionTimestamp', 'time'],
  10: ['deletionGracePeriodSeconds', 'int'], 11: ['labels', 'map'], 12: ['annotations', 'map'],
  13: ['ownerReferences', { msg: OWNER_REF, repeated: true }], 14: ['finalizers', 'strings'],
};

// k8s.io/api/core/v1/generated.proto
const KINDS: Record<string, Schema> = {
  'v1/Namespace': { 1: ['metadata', { msg: OBJECT_META }], 2: ['spec', { msg: { 1: ['finalizers', 'strings'] } }], 3: ['status', { msg: { 1: ['phase', 'string'] } }] },
  'v1/ConfigMap': { 1: ['metadata', { msg: OBJECT_META }], 2: ['data', 'map'], 3: ['binaryData', 'bytesMap'], 4: ['immutable', 'bool'] },
  'v1/Secret': { 1: ['metadata', { msg: OBJECT_META }], 2: ['data', 'bytesMap'], 3: ['type', 'string'], 4: ['stringData', 'map'], 5: ['immutable', 'bool'] },
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
      case 'string': if (data.length) out[name] = data.toString('utf8'); return;
      case 'bytes': out[name] = data.toString('base64'); return;
      case 'strings': out[name] = [...((out[name] as string[]) ?? []), data.toString('utf8')]; return;
      case 'time': {
        const t = decodeMessage(data, { 1: ['seconds', 'int'], 2: ['nanos', 'int'] }, `${where}.${name}`);
        const seconds = (t.seconds as number | undefined) ?? 0;
        // Go's zero time (-62135596800) is how a null timestamp travels.
        if (seconds > -62135596800) out[name] = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
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
