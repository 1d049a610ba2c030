import { Module } from '@nestjs/common';
import { FreezeWindowRepository } from '@cutover/persistence';
import { FreezeCalendar } from './freeze-calendar.service';
import { FreezeWindowsController } from './freeze-windows.controller';
import { FreezeWindowsResolver } from './freeze-windows.resolver';
import { FreezeWindowsService } from './freeze-windows.service';

/** Freeze windows (docs/gates.md): the calendar, its routes, and the check every deployment create passes. */
@Module({
  controllers: [FreezeWindowsController],
  providers: [FreezeWindowRepository, FreezeCalendar, FreezeWindowsService, FreezeWindowsResolver],
  exports: [FreezeWindowsService],
})
export class FreezeWindowsModule {}
