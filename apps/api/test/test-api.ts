import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import request from 'supertest';
import type { Role, TokenScopes } from '@cutover/domain';
import { createApp, type HttpAdapterKind } from '../src/app.factory';

export interface TestApi {
  app: INestApplication;
  server: Server;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every log line the api wrote, as JSON text. */
  logs: string[];
  /** The bootstrap admin secret this api started with. */
  bootstrapToken: string;
  /** A new token of that role (created through the API by the bootstrap admin); returns the secret. */
  token(role: Role, scopes?: TokenScopes): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real api on the run's database (libs/testing global setup sets DATABASE_URL) and the real Redis, listening on
 * a free 127.0.0.1 port. Each call gets its own bootstrap admin token.
 */
export async function startTestApi(
  options: { adapter?: HttpAdapterKind; env?: NodeJS.ProcessEnv; extraModules?: Array<Type | DynamicModule> } = {},
): Promise<TestApi> {
  const logs: string[] = [];
  const bootstrapToken = `cut_bootstrap_${randomBytes(16).toString('hex')}`;
  const app = await createApp({
    adapter: options.adapter,
    env: { ...process.env, CUTOVER_BOOTSTRAP_TOKEN: bootstrapToken, LOG_LEVEL: 'info', ...options.env },
    logDestination: { write: (line: string) => void logs.push(line) },
    extraModules: options.extraModules,
  });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : String(address);
  let n = 0;
  return {
    app,
    server,
    url,
    logs,
    bootstrapToken,
    async token(role, scopes) {
      n += 1;
      const res = await request(server)
        .post('/v1/tokens')
        .set('authorization', `Bearer ${bootstrapToken}`)
        .send({ name: `test-${role}-${n}`, role, ...(scopes ? { scopes } : {}) });
      if (res.status !== 201) throw new Error(`could not create a ${role} token: ${res.status} ${res.text}`);
      return (res.body as { secret: string }).secret;
    },
    close: () => app.close(),
  };
}
