import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDns1123Label } from '../../../common/validation/k8s-name.decorators';

export class OverviewQuery {
  @ApiPropertyOptional({ example: 'shop', description: 'Only this app.' })
  @IsOptional()
  @IsDns1123Label()
  app?: string;

  @ApiPropertyOptional({ example: 'prod', description: 'Case-insensitive part of the app, environment, cluster or namespace name.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
