/**
 * REST bodies are serialised here, once per object: a result that is the very same object as before (a ReadCache
 * hit, which callers treat as immutable) reuses its encoded JSON instead of serialising 20+ KB again. The cache
 * holds UTF-8 bytes, not text: a string body is encoded again on every write and scanned again for its
 * Content-Length, which for a cached 24 KB page cost as much as the rest of the request. Fresh objects cost what the
 * framework's own JSON.stringify would. Installed as Fastify's reply serializer and as Express's `res.json`, so it
 * adds no per-request interceptor.
 */
const serialized = new WeakMap<object, Buffer>();

export function serializeOnce(body: unknown): string | Buffer {
  if (typeof body !== 'object' || body === null) return JSON.stringify(body);
  let bytes = serialized.get(body);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(body), 'utf8');
    serialized.set(body, bytes);
  }
  return bytes;
}
