// Server-sent events on the raw Node response, the same under Fastify and Express (the api runs on either).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FeedEvent } from '@cutover/persistence';
import { toLiveEvent } from './models/live-event.model';

/** A heartbeat comment this often keeps proxies and load balancers from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** A client this far behind (bytes queued in its socket) is cut off; it resumes with Last-Event-ID. */
export const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** Fastify's request/reply or Express's: the raw Node objects behind them. */
export function rawHttp(req: unknown, res: unknown): { req: IncomingMessage; res: ServerResponse } {
  const reply = res as { raw?: ServerResponse; hijack?: () => void };
  if (reply.raw && typeof reply.hijack === 'function') {
    // Fastify: we write the response ourselves from here on.
    reply.hijack();
    return { req: (req as { raw: IncomingMessage }).raw, res: reply.raw };
  }
  return { req: req as IncomingMessage, res: res as ServerResponse };
}

// One frame per event, shared by every client that gets it (500 clients, one JSON.stringify).
const frames = new WeakMap<FeedEvent, string>();

export function sseFrame(e: FeedEvent): string {
  let frame = frames.get(e);
  if (!frame) {
    frame = `id: ${e.position}\nevent: ${e.type}\ndata: ${JSON.stringify(toLiveEvent(e))}\n\n`;
    frames.set(e, frame);
  }
  return frame;
}

export interface SseConnection {
  send(frame: string): void;
  end(): void;
  onClose(fn: () => void): void;
}

/** Starts the event-stream response: headers, a retry hint, and the heartbeat. */
export function openSse(req: IncomingMessage, res: ServerResponse, requestId: string): SseConnection {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'X-Accel-Buffering': 'no',
    'X-Request-Id': requestId,
  });
  res.write(': connected\nretry: 3000\n\n');
  const closers: Array<() => void> = [];
  let done = false;
  let corked = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearInterval(heartbeat);
    for (const fn of closers) fn();
  };
  const heartbeat = setInterval(() => {
    if (!done) res.write(': heartbeat\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', finish);
  res.on('close', finish);
  res.on('error', finish);
  return {
    send(frame) {
      if (done) return;
      if (res.writableLength > MAX_QUEUED_BYTES) {
        res.destroy();
        finish();
        return;
      }
      // The frames of one page of events (one hub read) leave in one write per client, not one each.
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(() => {
          corked = false;
          res.uncork();
        });
      }
      res.write(frame);
    },
    end() {
      if (done) return;
      finish();
      res.end();
    },
    onClose(fn) {
      if (done) fn();
      else closers.push(fn);
    },
  };
}
