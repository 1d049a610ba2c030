import { ApiProperty } from '@nestjs/swagger';

export class StreamTicketModel {
  @ApiProperty({ description: 'Use once within 60 s as ?ticket= on GET /v1/events or /v1/deployments/:id/events.', example: 'cst_…' })
  ticket!: string;

  @ApiProperty({ description: 'ISO time after which the ticket is refused.' })
  expiresAt!: string;
}
