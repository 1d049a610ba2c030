// A minimal text/event-stream reader over node:http for tests and benchmarks (what `curl -N` or an EventSource
// sees): frames with id, event and data, comments counted, the end of the stream as a promise.
import http from 'node:http';

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
  /** performance.now() when the frame was parsed. */
  receivedAt: number;
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  frames: SseFrame[];
  comments: string[];
  /** Resolves when the server ends the stream (or the connection drops). */
  ended: Promise<void>;
  /** Called for every frame as it arrives. */
  onFrame?: (frame: SseFrame) => void;
  /** Resolves once `n` frames have arrived (rejects after `timeoutMs`, or if the stream ends first). */
  waitFor(n: number, timeoutMs?: number): Promise<SseFrame[]>;
  close(): void;
  /** The body, for a response that was not a stream (a problem+json refusal). */
  body(): string;
}

export function connectSse(url: string, headers: Record<string, string> = {}, agent?: http.Agent): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      let raw = '';
      let done = false;
      const waiters: Array<() => void> = [];
      let endResolve: () => void = () => undefined;
      const client: SseClient = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        frames: [],
        comments: [],
        ended: new Promise<void>((r) => (endResolve = r)),
        waitFor(n, timeoutMs = 30_000) {
          return new Promise<SseFrame[]>((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`waited ${timeoutMs} ms for ${n} events on ${url}, got ${client.frames.length}`)), timeoutMs);
            const check = () => {
              if (client.frames.length >= n) {
                clearTimeout(timer);
                ok(client.frames.slice(0, n));
                return true;
              }
              if (done) {
                clearTimeout(timer);
                fail(new Error(`the stream ${url} ended after ${client.frames.length} events, before ${n}`));
                return true;
              }
              return false;
            };
            if (!check()) waiters.push(() => void check());
          });
        },
        close() {
          req.destroy();
        },
        body: () => raw,
      };
      const wake = () => {
        for (const w of waiters.splice(0)) w();
      };
      const finish = () => {
        if (done) return;
        done = true;
        endResolve();
        wake();
      };
      res.on('data', (chunk: string) => {
        if (client.status !== 200) {
          raw += chunk;
          return;
        }
        buffer += chunk;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let id: string | undefined;
          let event = 'message';
          const data: string[] = [];
          let isFrame = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              client.comments.push(line.slice(1).trim());
              continue;
            }
            if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
            else continue;
            isFrame = true;
          }
          if (!isFrame) continue;
          const frame = { id, event, data: data.join('\n'), receivedAt: performance.now() };
          client.frames.push(frame);
          client.onFrame?.(frame);
        }
        wake();
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve(client);
    });
    req.on('error', reject);
  });
}
