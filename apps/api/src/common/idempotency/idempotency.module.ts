import { Module } from '@nestjs/common';
import { IdempotencyRepository } from '@cutover/persistence';
import { IdempotencyService } from './idempotency.service';

@Module({
  providers: [IdempotencyService, IdempotencyRepository],
  exports: [IdempotencyService],
})
export class IdempotencyModule {}
