// A transaction's statements run one at a time on its connection, even when Prisma reads several relations of an
// `include` at once (issue 9 §7: pg's "client.query() when the client is already executing a query").
import { randomUUID } from 'node:crypto';
import { createTestPrisma } from '@cutover/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runTransaction } from '../transaction/transaction-runner.service';

const prisma = createTestPrisma({ poolSize: 2 });
afterAll(() => prisma.$disconnect());

describe('transactions over the pg adapter', () => {
  it('never hands pg a second statement while one runs (a read with three relations inside a transaction)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const name = `serial-${randomUUID().slice(0, 8)}`;
      const environment = await runTransaction(prisma, async (tx) => {
        const cluster = await tx.cluster.create({ data: { name, server: 'https://127.0.0.1:6443', authKind: 'token', credentials: new Uint8Array([1]) } });
        const app = await tx.application.create({ data: { name } });
        const env = await tx.environment.create({ data: { applicationId: app.id, clusterId: cluster.id, name: 'prod', namespace: 'prod', replicas: 1, strategy: { type: 'Recreate' } } });
        // Prisma's interpreter reads these relations with Promise.all.
        return tx.environment.findUniqueOrThrow({ where: { id: env.id }, include: { application: true, cluster: true, deployments: true } });
      });
      expect(environment).toMatchObject({ application: { name }, cluster: { name }, deployments: [] });
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.includes('already executing a query'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
