import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

/** `POST /v1/session`: the API token to sign in with (exchanged for a session cookie; never stored by the dashboard). */
export class SignInDto {
  @ApiProperty({ description: 'An API token secret (cut_…).', example: 'cut_…' })
  @IsString()
  @Length(1, 200)
  token!: string;
}
