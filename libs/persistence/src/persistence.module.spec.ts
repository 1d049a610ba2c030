import { CUTOVER_CONFIG, CutoverConfigModule, ApiConfig } from '@cutover/config';
import { testDatabaseUrl } from '@cutover/testing';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AuditRepository } from './audit/audit.repository';
import { SecretBox } from './crypto/secret-box';
import { PersistenceModule } from './persistence.module';
import { PERSISTENCE_OPTIONS, PrismaService } from './prisma/prisma.service';
import { TransactionRunner } from './transaction/transaction-runner.service';

describe('PersistenceModule', () => {
  it('wires PrismaService, TransactionRunner, AuditRepository and SecretBox from the validated config', async () => {
    const key = randomBytes(32);
    const moduleRef = await Test.createTestingModule({
      imports: [
        CutoverConfigModule.forRoot('api', { CUTOVER_SECRET_KEY: key.toString('base64'), DATABASE_URL: testDatabaseUrl(), DATABASE_POOL_SIZE: '3' }),
        PersistenceModule.forRoot(),
      ],
    }).compile();
    const app = await moduleRef.init();
    try {
      expect(app.get(PERSISTENCE_OPTIONS)).toEqual({ databaseUrl: testDatabaseUrl(), poolSize: 3 });
      const runner = app.get(TransactionRunner);
      const isolation = await runner.run((tx) => tx.$queryRaw<{ i: string }[]>`SELECT current_setting('transaction_isolation') AS i`);
      expect(isolation[0]!.i).toBe('read committed');

      const entry = await runner.run((tx) =>
        app.get(AuditRepository).append(tx, { actorTokenId: null, actorName: 'system', action: 'module.test', resourceType: 'test', interface: 'system', outcome: 'success' }),
      );
      expect(await app.get(PrismaService).auditEntry.findUnique({ where: { seq: entry.seq } })).not.toBeNull();

      const sealed = app.get(SecretBox).seal('x');
      expect(new SecretBox(key).openText(sealed)).toBe('x');
      expect(app.get<ApiConfig>(CUTOVER_CONFIG).kind).toBe('api');
    } finally {
      await app.close();
    }
  });

  it('takes an explicit URL, and fails at boot when the database is unreachable', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none' })],
    }).compile();
    await expect(moduleRef.init()).rejects.toThrow();
    await moduleRef.close().catch(() => undefined);
  });

  it('falls back to DATABASE_URL and CUTOVER_SECRET_KEY without the config module', async () => {
    const app = await (await Test.createTestingModule({ imports: [PersistenceModule.forRoot()] }).compile()).init();
    try {
      expect(app.get(PERSISTENCE_OPTIONS)).toEqual({ databaseUrl: process.env.DATABASE_URL });
      expect(app.get(SecretBox).openText(app.get(SecretBox).seal('y'))).toBe('y');
    } finally {
      await app.close();
    }
  });
});
