// Raw HTTPS access to a running simulator for specs: requests and line-by-line watch streams (no client library in between).
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { KubeSim } from '../src/kube-sim';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface RawOptions {
  body?: unknown;
  contentType?: string;
  /** Bearer token; `null` sends no Authorization header. Defaults to the simulator's token. */
  token?: string | null;
  headers?: Record<string, string>;
}

export function raw(sim: KubeSim, method: string, path: string, opts: RawOptions = {}): Promise<RawResponse> {
  const url = new URL(path, sim.url);
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? sim.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) {
    headers['Content-Type'] = opts.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: sim.caCert }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export interface WatchEvent {
  type: string;
  object: any;
}

/** `ended` resolves when the server ends the stream ('end') or it breaks ('error': closed without the final chunk). */
export type RawWatch = RawLines<WatchEvent>;

/** Opens `GET path` (a watch URL) and collects the JSON-lines events. */
export function rawWatch(sim: KubeSim, path: string): RawWatch {
  return rawLines(sim, path, (line) => JSON.parse(line) as WatchEvent);
}

/** Opens `GET path` and collects its lines as text (e.g. a followed log). */
export function rawTextStream(sim: KubeSim, path: string): RawLines<string> {
  return rawLines(sim, path, (line) => line);
}

export interface RawLines<T> {
  status: Promise<number>;
  events: T[];
  ended: Promise<'end' | 'error'>;
  waitFor(pred: (events: T[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

function rawLines<T>(sim: KubeSim, path: string, parse: (line: string) => T): RawLines<T> {
  const events: T[] = [];
  const waiters = new Set<() => void>();
  const notify = () => { for (const w of [...waiters]) w(); };
  let resolveStatus!: (n: number) => void;
  let resolveEnded!: (v: 'end' | 'error') => void;
  const status = new Promise<number>((r) => { resolveStatus = r; });
  const ended = new Promise<'end' | 'error'>((r) => { resolveEnded = r; });
  const req = httpsRequest(new URL(path, sim.url), { method: 'GET', headers: { Authorization: `Bearer ${sim.token}` }, ca: sim.caCert }, (res) => {
    resolveStatus(res.statusCode ?? 0);
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) events.push(parse(line));
      }
      notify();
    });
    res.on('end', () => { resolveEnded('end'); notify(); });
    res.on('error', () => { resolveEnded('error'); notify(); });
    res.on('close', () => { resolveEnded(res.complete ? 'end' : 'error'); notify(); });
  });
  req.on('error', () => { resolveStatus(0); resolveEnded('error'); notify(); });
  req.end();
  return {
    status,
    events,
    ended,
    waitFor(pred, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pred(events)) { waiters.delete(check); clearTimeout(timer); resolve(); }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`watch condition not met within ${timeoutMs} ms (${events.length} events)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() { req.destroy(); },
  };
}
