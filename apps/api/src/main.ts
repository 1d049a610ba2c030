import 'reflect-metadata';
import { ConfigError, loadConfig } from '@cutover/config';
import { createApp } from './app.factory';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, 'api');
  } catch (error) {
    if (error instanceof ConfigError) {
      // Before any logger exists: the message names each missing or malformed variable.
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp({ config });
  // SIGTERM/SIGINT close the app (enableShutdownHooks): stop accepting, finish in-flight requests, disconnect.
  await app.listen(config.port, config.host);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
