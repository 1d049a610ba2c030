import { Args, Resolver, Subscription } from '@nestjs/graphql';
import { EventStreams, type StreamOptions } from './event-stream.service';
import { EventsService } from './events.service';
import { DeploymentEventsArgs, DeploymentUpdatedArgs } from './dto/subscription.dto';
import { LiveEventModel, toLiveEvent } from './models/live-event.model';
import { pushIterator } from './push-iterator.stream';

/**
 * GraphQL subscriptions over graphql-ws on /graphql (auth in connection_init: {authorization: "Bearer …"}): the
 * same feed, resume rule and ordering as the SSE routes.
 */
@Resolver(() => LiveEventModel)
export class EventsResolver {
  constructor(
    private readonly events: EventsService,
    private readonly streams: EventStreams,
  ) {}

  @Subscription(() => LiveEventModel, {
    description: "One deployment's events (phase, step, replicas, weight with each); completes after the event that ended it.",
    resolve: (event: LiveEventModel) => event,
  })
  async deploymentUpdated(@Args() args: DeploymentUpdatedArgs): Promise<AsyncIterableIterator<LiveEventModel>> {
    const after = args.after !== undefined ? BigInt(args.after) : await this.events.latestPosition();
    return this.subscribe(await this.events.deploymentStream(args.id, after));
  }

  @Subscription(() => LiveEventModel, {
    description: 'Every deployment event of an app in an environment, in commit order.',
    resolve: (event: LiveEventModel) => event,
  })
  async deploymentEvents(@Args() args: DeploymentEventsArgs): Promise<AsyncIterableIterator<LiveEventModel>> {
    const after = args.after !== undefined ? BigInt(args.after) : await this.events.latestPosition();
    return this.subscribe(this.events.feedStream({ app: args.app, environment: args.environment }, after));
  }

  private async subscribe(options: StreamOptions): Promise<AsyncIterableIterator<LiveEventModel>> {
    const out = pushIterator<LiveEventModel>();
    const handle = await this.streams.open(options, { send: (e) => out.push(toLiveEvent(e)), end: () => out.end() });
    out.onReturn(() => handle.close());
    return out.iterator;
  }
}
