import { Field, InputType } from '@nestjs/graphql';
import { Allow } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';

/** GraphQL's createAnalysisTemplate input: only `@Allow()`ed here; libs/domain checks it all, as for REST. */
@InputType('CreateAnalysisTemplateInput')
export class CreateAnalysisTemplateInput {
  @Field({ description: 'A DNS label; a name already used records its next version.' })
  @Allow()
  name!: string;

  @Field(() => JSONScalar, { nullable: true, description: '[{"name", "value"?}] or {"name": default | null}.' })
  @Allow()
  args?: unknown;

  @Field(() => JSONScalar, { description: 'Metrics (docs/analysis.md).' })
  @Allow()
  metrics!: unknown;

  @Field(() => JSONScalar, { nullable: true, description: '{"bearer": token} or {"basic": {"username", "password"}}: sealed, never returned.' })
  @Allow()
  credentials?: unknown;
}
