import { Inject, Injectable } from '@nestjs/common';
import { DomainError, names, referencedTemplates, resolveStrategyAnalyses, type StrategyDocument } from '@cutover/domain';
import { AnalysisTemplateRepository } from '@cutover/persistence';

export interface ResolveFacts {
  applicationId: string;
  app: string;
  environment: string;
  namespace: string;
  release: string;
  previousRelease: string | null;
}

/**
 * A deployment's analyses, resolved when it is created: templates (latest version of each name) inlined with their
 * arguments and placeholders filled. A missing template or argument is a 422 naming the field; nothing is written.
 */
@Injectable()
export class AnalysisResolver {
  constructor(@Inject(AnalysisTemplateRepository) private readonly templates: AnalysisTemplateRepository) {}

  async resolve(strategy: StrategyDocument, facts: ResolveFacts, path = 'strategy'): Promise<StrategyDocument> {
    const wanted = referencedTemplates(strategy);
    const templates = await this.templates.latestByNames(facts.applicationId, wanted);
    const resolved = resolveStrategyAnalyses(
      strategy,
      templates,
      {
        release: { version: facts.release, previousVersion: facts.previousRelease ?? '' },
        deployment: {
          app: facts.app,
          environment: facts.environment,
          namespace: facts.namespace,
          canaryService: names.canary(facts.app),
          stableService: names.stable(facts.app),
          activeService: names.primary(facts.app),
          previewService: names.preview(facts.app),
        },
      },
      path,
    );
    if (!resolved.ok) throw DomainError.validation(resolved.errors);
    return resolved.value;
  }
}
