import { Inject, Injectable } from '@nestjs/common';
import type { PrometheusProvider } from '@cutover/domain';
import { analysisCredentialsAad, AnalysisTemplateRepository, SecretBox } from '@cutover/persistence';

const CACHE_MS = 60_000;

/**
 * Opens a template's sealed Prometheus credentials into request headers (bearer token or basic auth). Opened
 * secrets live in memory for a minute at most, so a burst of measurements does not open them each time.
 */
@Injectable()
export class AnalysisCredentials {
  private readonly cache = new Map<string, { at: number; headers: Record<string, string> }>();

  constructor(
    @Inject(AnalysisTemplateRepository) private readonly templates: AnalysisTemplateRepository,
    @Inject(SecretBox) private readonly box: SecretBox,
  ) {}

  async headers(credentials: PrometheusProvider['credentials']): Promise<Record<string, string>> {
    if (credentials === null) return {};
    const hit = this.cache.get(credentials.templateId);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.headers;
    const row = await this.templates.sealedCredentials(credentials.templateId);
    if (!row) throw new Error(`the credentials of analysis template ${credentials.templateId} are gone`);
    const secret = JSON.parse(this.box.open(row.sealed, analysisCredentialsAad(credentials.templateId)).toString('utf8')) as {
      token?: string;
      username?: string;
      password?: string;
    };
    const headers: Record<string, string> =
      row.kind === 'bearer'
        ? { authorization: `Bearer ${secret.token ?? ''}` }
        : { authorization: `Basic ${Buffer.from(`${secret.username ?? ''}:${secret.password ?? ''}`).toString('base64')}` };
    this.cache.set(credentials.templateId, { at: Date.now(), headers });
    return headers;
  }
}
