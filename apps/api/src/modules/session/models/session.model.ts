import { ApiProperty } from '@nestjs/swagger';

export class SessionScopesModel {
  @ApiProperty({ type: String, isArray: true, required: false })
  apps?: string[];

  @ApiProperty({ type: String, isArray: true, required: false })
  environments?: string[];
}

/** Who the dashboard acts as, and what it needs for changes. */
export class SessionModel {
  @ApiProperty({ example: 'alice-laptop', description: 'The name of the token the session acts as.' })
  name!: string;

  @ApiProperty({ enum: ['viewer', 'deployer', 'admin'] })
  role!: string;

  @ApiProperty({ type: SessionScopesModel })
  scopes!: SessionScopesModel;

  @ApiProperty({ type: String, nullable: true, description: 'Send as X-CSRF-Token on every change made with the session cookie; null when not called with a session.' })
  csrfToken!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'ISO time the session ends; null when not called with a session.' })
  expiresAt!: string | null;
}
