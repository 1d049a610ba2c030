// Migration 20261207025500_audit_resource_names: existing audit rows (hashed in layout v1) get their resource names
// and the chain is re-hashed in v2 by SQL; AuditRepository.verify() (v2, in TypeScript) must accept every row,
// including text JSON escapes specially (quotes, newlines, control characters, non-ASCII).
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '@cutover/testing';
import { DEFAULT_MIGRATIONS_DIR, migrate } from '../../../../scripts/migrate-lib.mjs';
import type { PrismaClient } from '../generated/prisma/client';
import { createPrismaClient } from '../prisma/prisma.service';
import { runTransaction } from '../transaction/transaction-runner.service';
import { GENESIS_HASH } from './audit.digest';
import { AuditRepository } from './audit.repository';

const THIS_MIGRATION = '20261207025500_audit_resource_names';

/** Layout v1, as rows were hashed before the migration (copied from audit.digest.ts at that time). */
function v1Hash(f: Record<string, unknown> & { seq: bigint; at: Date; prevHash: string }): string {
  const text = JSON.stringify(['v1', f.seq.toString(), f.at.toISOString(), f.actorTokenId, f.actorName, f.action, f.resourceType, f.resourceId, f.requestId, f.interface, f.clientAddress, f.inputDigest, f.outcome, f.statusCode, f.reason, f.prevHash]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('audit entries name their resources (migration + chain)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dir: string;
  let client: Client;
  let prisma: PrismaClient;
  const ids = { app: randomUUID(), gone: randomUUID(), cluster: randomUUID(), env: randomUUID(), release: randomUUID(), deployment: randomUUID() };

  beforeAll(async () => {
    // Every migration before this one.
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-audit-names-'));
    cpSync(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true, filter: (src) => !(/^\d{14}_/.test(path.basename(src)) && path.basename(src) >= THIS_MIGRATION) });
    db = await createScratchDatabase({ migrationsDir: dir });
    client = new Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO "Application" ("id", "name", "updatedAt") VALUES ($1, 'shop', now())`, [ids.app]);
    await client.query(`INSERT INTO "Cluster" ("id", "name", "server", "authKind", "credentials", "updatedAt") VALUES ($1, 'eu-1', 'https://127.0.0.1:1', 'token', '\\x01', now())`, [ids.cluster]);
    await client.query(`INSERT INTO "Environment" ("id", "applicationId", "name", "clusterId", "namespace", "replicas", "strategy", "updatedAt") VALUES ($1, $2, 'prod', $3, 'shop', 2, '{}', now())`, [ids.env, ids.app, ids.cluster]);
    await client.query(`INSERT INTO "Release" ("id", "applicationId", "version", "seq", "spec", "digest", "createdBy") VALUES ($1, $2, '1.2.0', 1, '{}', 'd', 't')`, [ids.release, ids.app]);
    await client.query(`INSERT INTO "Deployment" ("id", "environmentId", "releaseId", "strategy", "phase", "createdBy", "updatedAt") VALUES ($1, $2, $3, '{}', 'Succeeded', 't', now())`, [ids.deployment, ids.env, ids.release]);
    // Rows as the old code wrote them, with text that JSON escapes.
    const rows: Array<[string, string | null, string | null]> = [
      ['app', ids.app, 'created "shop"\nwith a newline'],
      ['environment', ids.env, 'tab\there \u0001 control, ünïcødé, 🚀, back\\slash'],
      ['release', ids.release, null],
      ['deployment', ids.deployment, '\u2028 separators \u2029'],
      ['cluster', 'eu-1', null],
      ['app', ids.gone, 'an app deleted long ago'],
      ['token', randomUUID(), null],
    ];
    let prev = GENESIS_HASH;
    let seq = 1n;
    for (const [resourceType, resourceId, reason] of rows) {
      const f = {
        seq,
        at: new Date(Date.UTC(2026, 10, 30, 12, 0, Number(seq), 7)),
        actorTokenId: Number(seq) % 2 ? randomUUID() : null,
        actorName: 'alice "a" o\'neil',
        action: `${resourceType}.create`,
        resourceType,
        resourceId,
        requestId: `req-${seq}`,
        interface: 'rest',
        clientAddress: Number(seq) % 3 ? '127.0.0.1' : null,
        inputDigest: null,
        outcome: 'success',
        statusCode: Number(seq) % 2 ? 201 : null,
        reason,
        prevHash: prev,
      };
      const hash = v1Hash(f);
      await client.query(
        `INSERT INTO "AuditEntry" ("seq", "at", "actorTokenId", "actorName", "action", "resourceType", "resourceId", "requestId", "interface", "clientAddress", "inputDigest", "outcome", "statusCode", "reason", "prevHash", "hash")
         VALUES ($1, $2::timestamptz AT TIME ZONE 'UTC', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [f.seq.toString(), f.at.toISOString(), f.actorTokenId, f.actorName, f.action, f.resourceType, f.resourceId, f.requestId, f.interface, f.clientAddress, f.inputDigest, f.outcome, f.statusCode, f.reason, f.prevHash, hash],
      );
      prev = hash;
      seq += 1n;
    }
    await client.query(`SELECT setval(pg_get_serial_sequence('"AuditEntry"', 'seq'), $1)`, [String(seq - 1n)]);
    await migrate({ databaseUrl: db.url });
    prisma = createPrismaClient({ databaseUrl: db.url, poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    await client?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('backfills names from the resources that still exist and re-hashes the chain so verify passes', async () => {
    const audit = new AuditRepository(prisma);
    // Migration 20261207072000_audit_sealer keeps them sealed, in their chain order (position = seq).
    expect(await audit.verify()).toEqual({ ok: true, count: 7, unsealed: { count: 0, oldestAt: null } });
    const rows = await prisma.auditEntry.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.map((r) => [r.resourceType, r.app, r.environment, r.version, r.cluster])).toEqual([
      ['app', 'shop', null, null, null],
      ['environment', 'shop', 'prod', null, 'eu-1'],
      ['release', 'shop', null, '1.2.0', null],
      ['deployment', 'shop', 'prod', '1.2.0', 'eu-1'],
      ['cluster', null, null, null, 'eu-1'],
      ['app', null, null, null, null],
      ['token', null, null, null, null],
    ]);
  });

  it('new entries carry names (looked up, or given for a deleted resource), are chained and filtered by app and environment', async () => {
    const audit = new AuditRepository(prisma);
    await runTransaction(prisma, (tx) =>
      audit.append(tx, { actorTokenId: null, actorName: 'bob', action: 'deployment.promote', resourceType: 'deployment', resourceId: ids.deployment, interface: 'rest', outcome: 'success' }),
    );
    await runTransaction(prisma, (tx) =>
      audit.append(tx, { actorTokenId: null, actorName: 'bob', action: 'app.delete', resourceType: 'app', resourceId: ids.gone, names: { app: 'legacy' }, interface: 'rest', outcome: 'success' }),
    );
    expect(await audit.sealPending()).toBe(2);
    expect(await audit.verify()).toEqual({ ok: true, count: 9, unsealed: { count: 0, oldestAt: null } });
    const shopProd = await audit.list({ app: 'shop', environment: 'prod', limit: 50 });
    expect(shopProd.items.map((e) => e.action)).toEqual(['deployment.promote', 'deployment.create', 'environment.create']);
    expect(shopProd.items[0]).toMatchObject({ app: 'shop', environment: 'prod', version: '1.2.0', cluster: 'eu-1' });
    expect((await audit.list({ app: 'legacy', limit: 50 })).items.map((e) => e.action)).toEqual(['app.delete']);
    // The names are covered by the hash: changing one (as only a superuser could) breaks verify.
    await client.query('ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_refuse_update_delete"');
    await client.query(`UPDATE "AuditEntry" SET "app" = 'other' WHERE "action" = 'deployment.promote'`);
    await client.query('ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_refuse_update_delete"');
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: { reason: expect.stringContaining('altered') } });
  });
});
