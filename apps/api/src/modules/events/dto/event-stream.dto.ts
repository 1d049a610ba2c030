import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

// Lists are comma-separated (`types=StepCompleted,PhaseChanged`); each item is checked by the service with its path.
const LIST = /^[A-Za-z0-9][A-Za-z0-9.,_-]{0,1999}$/;
const LIST_MESSAGE = '$property must be a comma-separated list of names (letters, digits, ".", "_", "-")';

/** `?after=` / `?ticket=` on every event stream. */
export class StreamResumeQuery {
  @ApiPropertyOptional({ description: 'Send only events after this position (the `id:` of the last event you got). The Last-Event-ID header wins over it.', example: '123456789' })
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: '$property must be an event position (a non-negative integer)' })
  after?: string;

  @ApiPropertyOptional({ description: 'A stream ticket from POST /v1/stream-tickets, for clients that cannot send Authorization (EventSource).' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  ticket?: string;
}

/** `GET /v1/events` filters: each a comma-separated list; absent = everything. */
export class EventStreamQuery extends StreamResumeQuery {
  @ApiPropertyOptional({ example: 'checkout,cart' })
  @IsOptional()
  @Matches(LIST, { message: LIST_MESSAGE })
  app?: string;

  @ApiPropertyOptional({ example: 'production' })
  @IsOptional()
  @Matches(LIST, { message: LIST_MESSAGE })
  environment?: string;

  @ApiPropertyOptional({ example: 'eu-1' })
  @IsOptional()
  @Matches(LIST, { message: LIST_MESSAGE })
  cluster?: string;

  @ApiPropertyOptional({ description: 'Event types, e.g. StepCompleted,PhaseChanged,CommandApplied.', example: 'PhaseChanged' })
  @IsOptional()
  @Matches(LIST, { message: LIST_MESSAGE })
  types?: string;
}
