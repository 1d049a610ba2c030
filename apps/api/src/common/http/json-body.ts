/**
 * REST bodies are serialised here, once per object: a result that is the very same object as before (a ReadCache
 * hit, which callers treat as immutable) reuses its JSON text instead of serialising 20+ KB again. Fresh objects
 * cost what the framework's own JSON.stringify would. Installed as Fastify's reply serializer and as Express's
 * `res.json`, so it adds no per-request interceptor.
 */
const serialized = new WeakMap<object, string>();

export function serializeOnce(body: unknown): string {
  if (typeof body !== 'object' || body === null) return JSON.stringify(body);
  let text = serialized.get(body);
  if (text === undefined) {
    text = JSON.stringify(body);
    serialized.set(body, text);
  }
  return text;
}
