import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuditQuery } from './dto/audit-query.dto';
import { AuditPage, AuditVerificationModel } from './models/audit-entry.model';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOkResponse({ type: AuditPage, description: 'Newest first.' })
  list(@Query() query: AuditQuery): Promise<AuditPage> {
    return this.audit.list(query);
  }

  @Get('verify')
  @ApiOkResponse({ type: AuditVerificationModel, description: 'Seals what has settled, recomputes the hash chain of sealed entries, names the first broken one and reports the unsealed tail.' })
  verify(): Promise<AuditVerificationModel> {
    return this.audit.verify();
  }
}
