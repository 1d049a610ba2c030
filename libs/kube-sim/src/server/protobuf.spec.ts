import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, ProtobufUnsupported } from './protobuf';

/** A tiny encoder for the test: field(num, wire 2, bytes) and varint fields. */
function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  do { let b = v & 0x7f; v = Math.floor(v / 128); if (v) b |= 0x80; out.push(b); } while (v);
  return Buffer.from(out);
}
const bytesField = (num: number, data: Buffer | string) => {
  const d = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([varint((num << 3) | 2), varint(d.length), d]);
};
const varintField = (num: number, n: number) => Buffer.concat([varint(num << 3), varint(n)]);
const envelope = (apiVersion: string, kind: string, raw: Buffer) => Buffer.concat([
  Buffer.from('k8s\0', 'latin1'), bytesField(1, Buffer.concat([bytesField(1, apiVersion), bytesField(2, kind)])), bytesField(2, raw),
]);

describe('decodeKubeProtobuf', () => {
  it('decodes a ConfigMap as kubectl create configmap sends it', () => {
    const meta = Buffer.concat([bytesField(1, 'x'), bytesField(2, ''), bytesField(3, 'foo'), varintField(7, 0),
      bytesField(8, varintField(1, 2 ** 32)), bytesField(11, Buffer.concat([bytesField(1, 'app'), bytesField(2, 'web')]))]);
    const raw = Buffer.concat([bytesField(1, meta), bytesField(2, Buffer.concat([bytesField(1, 'a'), bytesField(2, 'b')]))]);
    expect(decodeKubeProtobuf(envelope('v1', 'ConfigMap', raw))).toEqual({
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'foo', creationTimestamp: new Date(2 ** 32 * 1000).toISOString().replace('.000Z', 'Z'), labels: { app: 'web' } },
      data: { a: 'b' },
    });
  });

  it('decodes Secret data as base64 and refuses unknown kinds and fields', () => {
    const raw = Buffer.concat([bytesField(1, bytesField(1, 's')), bytesField(2, Buffer.concat([bytesField(1, 'k'), bytesField(2, Buffer.from([0, 1, 2]))]))]);
    expect(decodeKubeProtobuf(envelope('v1', 'Secret', raw)).data).toEqual({ k: Buffer.from([0, 1, 2]).toString('base64') });
    expect(() => decodeKubeProtobuf(envelope('v1', 'Pod', raw))).toThrow(ProtobufUnsupported);
    expect(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', bytesField(9, 'x')))).toThrow(ProtobufUnsupported);
    expect(() => decodeKubeProtobuf(Buffer.from('{}'))).toThrow(ProtobufUnsupported);
  });
});
