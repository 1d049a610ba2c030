import type { IncomingMessage, ServerResponse } from 'node:http';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainError } from '@cutover/domain';
import { Public } from '../../common/auth/auth.decorators';
import { REQUEST_ID_HEADER } from '../../common/http/http-request.types';
import { describeError, toProblem } from '../../common/errors/problem.types';
import { type DashboardFile, DashboardFiles } from './dashboard-files.service';

/**
 * The dashboard's pages may load scripts, styles and data from this origin only, and may not be framed. React sets
 * styles through the DOM (allowed); no inline script or style element exists in the build.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function rawHttp(req: unknown, res: unknown): { req: IncomingMessage; res: ServerResponse } {
  const reply = res as { raw?: ServerResponse; hijack?: () => void };
  if (reply.raw && typeof reply.hijack === 'function') {
    reply.hijack();
    return { req: (req as { raw: IncomingMessage }).raw, res: reply.raw };
  }
  return { req: req as IncomingMessage, res: res as ServerResponse };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Whether the client takes `coding` (q=0 refuses it). */
function accepts(header: string | undefined, coding: string): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    return name?.trim() === coding && !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}

/**
 * `/ui`: the single-page dashboard (docs/dashboard.md). Hashed assets are immutable for a year; every other path
 * under /ui/ that is not a file answers index.html, so the dashboard's own routes survive a reload. Public: the
 * files hold no data; the data routes need the session.
 */
@ApiExcludeController()
@Public()
@Controller('ui')
export class DashboardController {
  constructor(private readonly files: DashboardFiles) {}

  @Get()
  index(@Req() req: unknown, @Res() res: unknown): void {
    this.serve(req, res, '');
  }

  @Get('*')
  file(@Req() req: unknown, @Res() res: unknown): void {
    this.serve(req, res, undefined);
  }

  private serve(request: unknown, response: unknown, forced: string | undefined): void {
    const { req, res } = rawHttp(request, response);
    const requestId = (request as { id?: string }).id ?? '';
    const relative = forced ?? safeDecode((req.url ?? '').split('?')[0]!.replace(/^\/ui\/?/, ''));
    const found = this.files.get(relative);
    if (found === null) return this.problem(res, requestId, new DomainError('NOT_FOUND', 'The dashboard is not built: run `npm run build:dashboard` (npm run dev does it for you).'));
    // Client-side routes fall back to the page; a missing asset is a 404, never HTML served as script.
    const file = found ?? (relative.startsWith('assets/') || /\.\w+$/.test(relative) ? undefined : this.files.get('index.html'));
    if (!file) return this.problem(res, requestId, new DomainError('NOT_FOUND', `No dashboard file ${relative}.`));
    this.send(req, res, requestId, file);
  }

  private send(req: IncomingMessage, res: ServerResponse, requestId: string, file: DashboardFile): void {
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.setHeader('content-type', file.type);
    res.setHeader('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('content-security-policy', DASHBOARD_CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('vary', 'accept-encoding');
    res.setHeader('etag', file.etag);
    if (req.headers['if-none-match'] === file.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const acceptEncoding = req.headers['accept-encoding'];
    let body = file.body;
    if (file.brotli && accepts(acceptEncoding, 'br')) {
      body = file.brotli;
      res.setHeader('content-encoding', 'br');
    } else if (file.gzip && accepts(acceptEncoding, 'gzip')) {
      body = file.gzip;
      res.setHeader('content-encoding', 'gzip');
    }
    res.setHeader('content-length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private problem(res: ServerResponse, requestId: string, error: DomainError): void {
    const problem = toProblem(describeError(error), requestId);
    res.statusCode = problem.status;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.setHeader('content-type', 'application/problem+json; charset=utf-8');
    res.end(JSON.stringify(problem));
  }
}
