import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TokenRepository } from '@cutover/persistence';
import { AuthGuard, DeniedAttemptAuditor } from './auth.guard';
import { BootstrapTokenService } from './bootstrap-token.service';
import { TokenAuthService } from './token-auth.service';

/** Bearer-token authentication for the whole api: the global guard, the token cache, the bootstrap admin token. */
@Module({
  providers: [TokenRepository, TokenAuthService, DeniedAttemptAuditor, BootstrapTokenService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokenRepository, TokenAuthService, DeniedAttemptAuditor],
})
export class AuthModule {}
