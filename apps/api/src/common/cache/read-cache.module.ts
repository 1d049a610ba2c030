import { Global, Module } from '@nestjs/common';
import { ReadCache } from './read-cache.service';

/** Global: any service may inject ReadCache. */
@Global()
@Module({ providers: [ReadCache], exports: [ReadCache] })
export class ReadCacheModule {}
