// The suite's API client: REST over the public routes, like any user. A request that gets no answer (an api killed
// mid-request, a restart) or a 5xx is sent again to another api with the same Idempotency-Key, as a careful client does.
import { randomUUID } from 'node:crypto';
import { sleep } from './chaos-stack';

export interface Answer<T = any> {
  status: number;
  body: T;
}

export class ChaosClient {
  /** Requests that had to be sent again (no answer, or 5xx). */
  retries = 0;
  private next = 0;

  constructor(
    /** The apis to spread requests over (changes as apis are killed and replaced). */
    public urls: () => string[],
    private readonly token: string,
  ) {}

  /**
   * Sends until an answer below 500 arrives (or `deadlineMs` passes). Writes carry an Idempotency-Key, the same on
   * every attempt, so a retried create is one deployment however many times it reached an api.
   */
  async call<T = any>(method: string, path: string, body?: unknown, options: { idempotent?: boolean; deadlineMs?: number } = {}): Promise<Answer<T>> {
    const key = options.idempotent ? randomUUID() : undefined;
    const deadline = Date.now() + (options.deadlineMs ?? 120_000);
    let last: string;
    for (let attempt = 0; ; attempt++) {
      const urls = this.urls();
      const url = urls[this.next++ % urls.length]!;
      try {
        const res = await fetch(`${url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        const parsed = text ? (JSON.parse(text) as T) : (undefined as T);
        if (res.status < 500) return { status: res.status, body: parsed };
        last = `${res.status} ${text.slice(0, 200)}`;
      } catch (error) {
        last = String(error);
      }
      this.retries += 1;
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no answer below 500 before the deadline; last: ${last}`);
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 4)));
    }
  }

  async ok<T = any>(method: string, path: string, body?: unknown, expect: number[] = [200, 201, 202, 204]): Promise<T> {
    const answer = await this.call<T>(method, path, body, { idempotent: method !== 'GET' });
    if (!expect.includes(answer.status)) throw new Error(`${method} ${path} → ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    return answer.body;
  }
}

export const ENDED = ['Succeeded', 'Failed', 'RolledBack', 'Aborted', 'Superseded'];

export function releaseBody(version: string, image: string, annotations: Record<string, string> = {}): unknown {
  return {
    version,
    podSpec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }], terminationGracePeriodSeconds: 1 },
    podAnnotations: annotations,
  };
}
