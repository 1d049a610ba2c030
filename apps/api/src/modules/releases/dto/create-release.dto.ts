import { Field, InputType } from '@nestjs/graphql';
import { Allow } from 'class-validator';
import { JSONScalar } from '../../../common/graphql/json.scalar';

/**
 * GraphQL's createRelease input. Every field is only `@Allow()`ed here: the release-spec validator in libs/domain
 * checks the whole body, with the same paths and rules as REST (whose body it receives untouched).
 */
@InputType('CreateReleaseInput')
export class CreateReleaseInput {
  @Field({ description: '1..128 letters, digits, ".", "_", "-" or "+", starting with a letter or digit.' })
  @Allow()
  version!: string;

  @Field(() => String, { nullable: true, description: 'Short form: one container named after the app.' })
  @Allow()
  image?: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Full form: the Kubernetes PodSpec subset (see docs/releases.md).' })
  @Allow()
  podSpec?: unknown;

  @Field(() => JSONScalar, { nullable: true })
  @Allow()
  podLabels?: unknown;

  @Field(() => JSONScalar, { nullable: true })
  @Allow()
  podAnnotations?: unknown;

  @Field(() => JSONScalar, { nullable: true, description: '{"preDeploy": [{"name", "podSpec", "backoffLimit"?, "activeDeadlineSeconds"?}]}' })
  @Allow()
  hooks?: unknown;

  @Field(() => String, { nullable: true })
  @Allow()
  notes?: string;

  @Field(() => String, { nullable: true })
  @Allow()
  commitSha?: string;
}
