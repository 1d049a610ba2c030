// Bull Board (the maintained BullMQ dashboard) at /admin/queues, for admins only. Mounted as a Fastify plugin in a
// scope of its own whose onRequest hook authenticates every request under the prefix — the page, its API and its
// assets — with the same tokens (and failed-authentication limits) as the rest of the api. Through
// @bull-board/nestjs the guard would be Nest middleware, which covers `/admin/queues` but not the routes below it.
// Read-only unless QUEUE_BOARD_WRITE=true (retry, clean, promote, remove from the board).
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';
import { type Actor, DomainError } from '@cutover/domain';
import { DeploymentQueue, NotificationQueue } from '@cutover/queue';
import { DeniedAttemptAuditor } from '../../common/auth/auth.guard';
import { FailedAuthentications } from '../../common/auth/failed-auth.service';
import { roleAllows } from '../../common/auth/roles.rules';
import { describeError, toProblem } from '../../common/errors/problem.types';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function mountQueueBoard(app: NestFastifyApplication): Promise<void> {
  const config = app.get<ApiConfig>(CUTOVER_CONFIG);
  const failures = app.get(FailedAuthentications);
  const denied = app.get(DeniedAttemptAuditor);
  const readOnlyMode = !config.queueBoardWrite;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(app.get(DeploymentQueue).queue, { readOnlyMode }), new BullMQAdapter(app.get(NotificationQueue).queue, { readOnlyMode })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Cutover queues' } },
  });

  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: DomainError, actor: Actor | null) => {
    await denied.record({ req: request as never, iface: 'rest', action: `queue-board ${request.method}`, actor, error }).catch(() => undefined);
    const problem = toProblem(describeError(error), String(request.id));
    if (error.code === 'TOO_MANY_REQUESTS' && typeof error.details['retryAfterSeconds'] === 'number') void reply.header('retry-after', String(error.details['retryAfterSeconds']));
    return reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };

  await app
    .getHttpAdapter()
    .getInstance()
    .register(async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        let actor: Actor;
        try {
          actor = await failures.authenticate(request);
        } catch (error) {
          if (error instanceof DomainError) return refuse(request, reply, error, null);
          throw error;
        }
        if (!roleAllows(actor.role, 'admin')) {
          return refuse(request, reply, new DomainError('FORBIDDEN', `The queue board needs the admin role; token "${actor.name}" is ${actor.role}.`, [], { required: 'admin' }), actor);
        }
        return undefined;
      });
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
    });
}
