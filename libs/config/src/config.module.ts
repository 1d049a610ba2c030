import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { ConfigFor, loadConfig, ProcessKind } from './config.schema';

/** Injection token of the validated `CutoverConfig` (`@Inject(CUTOVER_CONFIG) config: ApiConfig`). */
export const CUTOVER_CONFIG = Symbol('CUTOVER_CONFIG');

/** The provider, validating `env` once when the module is built (an app validates before it boots). */
export function provideConfig(kind: ProcessKind, env: NodeJS.ProcessEnv = process.env): Provider {
  return { provide: CUTOVER_CONFIG, useFactory: () => loadConfig(env, kind) };
}

@Global()
@Module({})
export class CutoverConfigModule {
  /** Register once in the app's root module: every module can then inject CUTOVER_CONFIG. */
  static forRoot(kind: ProcessKind, env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return { module: CutoverConfigModule, providers: [provideConfig(kind, env)], exports: [CUTOVER_CONFIG] };
  }

  /** For an app that already loaded (and printed errors for) its config in main.ts. */
  static withConfig<K extends ProcessKind>(config: ConfigFor<K>): DynamicModule {
    return { module: CutoverConfigModule, providers: [{ provide: CUTOVER_CONFIG, useValue: config }], exports: [CUTOVER_CONFIG] };
  }
}
