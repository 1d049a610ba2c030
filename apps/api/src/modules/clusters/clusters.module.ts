import { Module } from '@nestjs/common';
import { ClusterRepository } from '@cutover/persistence';
import { ClustersController } from './clusters.controller';
import { ClustersResolver } from './clusters.resolver';
import { ClustersService } from './clusters.service';

@Module({ controllers: [ClustersController], providers: [ClusterRepository, ClustersService, ClustersResolver], exports: [ClusterRepository] })
export class ClustersModule {}
