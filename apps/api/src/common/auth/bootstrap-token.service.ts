import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type ApiConfig, CUTOVER_CONFIG } from '@cutover/config';
import { systemContext } from '@cutover/domain';
import { AuditRepository, TokenRepository, hashToken } from '@cutover/persistence';
import { auditEntry } from '../audit/audit-entry.mapper';

export const BOOTSTRAP_TOKEN_NAME = 'bootstrap';

/**
 * With CUTOVER_BOOTSTRAP_TOKEN set, one admin token named `bootstrap` with that secret exists once the api is up.
 * Idempotent across restarts and replicas (insert-if-absent on the unique secret hash). A bootstrap token that an
 * admin revoked stays revoked: revocation is a deliberate, audited act.
 */
@Injectable()
export class BootstrapTokenService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapTokenService.name);

  constructor(
    @Inject(CUTOVER_CONFIG) private readonly config: ApiConfig,
    private readonly tokens: TokenRepository,
    private readonly audit: AuditRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const secret = this.config.bootstrapToken;
    if (!secret) return;
    const { created, token } = await this.tokens.ensure({
      name: BOOTSTRAP_TOKEN_NAME,
      role: 'admin',
      prefix: secret.slice(0, 4),
      secretHash: hashToken(secret),
      scopes: {},
      createdBy: 'system',
    });
    if (created) {
      await this.audit.appendStandalone(
        auditEntry(systemContext('bootstrap'), { action: 'token.bootstrap', resourceType: 'token', resourceId: token.id }),
      );
      this.logger.log({ tokenId: token.id }, 'bootstrap admin token created');
    } else if (token.revokedAt) {
      this.logger.warn({ tokenId: token.id }, 'CUTOVER_BOOTSTRAP_TOKEN names a revoked token; it stays revoked');
    }
  }
}
