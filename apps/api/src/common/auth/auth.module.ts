import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { DashboardSessionRepository, TokenRepository } from '@cutover/persistence';
import { QueueModule } from '@cutover/queue';
import { AuthGuard, DeniedAttemptAuditor } from './auth.guard';
import { BootstrapTokenService } from './bootstrap-token.service';
import { SessionService } from './session.service';
import { StreamTicketService } from './stream-ticket.service';
import { FailedAuthentications } from './failed-auth.service';
import { TokenAuthService } from './token-auth.service';

/** Bearer-token (and dashboard session) authentication for the whole api: the global guard, the token cache, stream tickets, the bootstrap admin token. */
@Module({
  // QueueModule: stream tickets live in Redis, so any replica redeems them.
  imports: [QueueModule],
  providers: [
    TokenRepository,
    DashboardSessionRepository,
    TokenAuthService,
    SessionService,
    StreamTicketService,
    ThrottlerStorageService,
    FailedAuthentications,
    DeniedAttemptAuditor,
    BootstrapTokenService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenRepository, TokenAuthService, SessionService, StreamTicketService, FailedAuthentications, DeniedAttemptAuditor],
})
export class AuthModule {}
