import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuditQuery } from './dto/audit-query.dto';
import { AuditEntryModel, AuditPage, AuditVerificationModel } from './models/audit-entry.model';
import { AuditService } from './audit.service';

@Resolver(() => AuditEntryModel)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditPage, { description: 'Newest first.' })
  auditLog(@Args() args: AuditQuery): Promise<AuditPage> {
    return this.audit.list(args);
  }

  @Query(() => AuditVerificationModel)
  auditVerification(): Promise<AuditVerificationModel> {
    return this.audit.verify();
  }
}
