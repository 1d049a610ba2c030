import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OverviewQuery } from './dto/overview-query.dto';
import { OverviewModel } from './models/overview.model';
import { OverviewService } from './overview.service';

@ApiTags('overview')
@ApiBearerAuth()
@Controller('v1/overview')
export class OverviewController {
  constructor(private readonly overview: OverviewService) {}

  @Get()
  @ApiOkResponse({ type: OverviewModel, description: 'Every app × environment: cluster, namespace, the release serving, the latest deployment and what needs a person.' })
  list(@Query() query: OverviewQuery): Promise<OverviewModel> {
    return this.overview.list(query);
  }
}
