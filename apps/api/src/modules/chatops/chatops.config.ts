import { Inject, Injectable } from '@nestjs/common';
import { CUTOVER_CONFIG, type ApiConfig } from '@cutover/config';

/** The chat settings this module reads (one place, so tests and the controller agree on "off"). */
@Injectable()
export class ChatOpsConfig {
  constructor(@Inject(CUTOVER_CONFIG) private readonly config: ApiConfig) {}

  /** null: chatops is off and its routes answer 404. */
  get signingSecret(): string | null {
    return this.config.slackSigningSecret;
  }
}
