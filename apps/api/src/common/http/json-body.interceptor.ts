import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type Observable, map } from 'rxjs';

/**
 * REST handlers' object results are serialised here, once per object: a result that is the very same object as
 * before (a ReadCache hit, which callers treat as immutable) reuses the JSON text instead of serialising 20+ KB
 * again. Fresh objects cost what the framework's own JSON.stringify would.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  private readonly serialized = new WeakMap<object, string>();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType<string>() !== 'http') return next.handle();
    const res = context.switchToHttp().getResponse<unknown>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (typeof body !== 'object' || body === null || Buffer.isBuffer(body) || typeof (body as { pipe?: unknown }).pipe === 'function') return body;
        let text = this.serialized.get(body);
        if (text === undefined) {
          text = JSON.stringify(body);
          this.serialized.set(body, text);
        }
        this.adapterHost.httpAdapter.setHeader(res, 'content-type', 'application/json; charset=utf-8');
        return text;
      }),
    );
  }
}
