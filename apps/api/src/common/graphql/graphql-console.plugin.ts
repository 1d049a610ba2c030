import type { ApolloServerPlugin } from '@apollo/server';
import { graphqlConsolePage } from './graphql-console.page';

/**
 * GET /graphql from a browser answers the console page instead of @nestjs/apollo's GraphiQL, which loads React and
 * GraphiQL from a CDN (no internet, no playground) and starts without an Authorization header.
 */
export function graphqlConsolePlugin(): ApolloServerPlugin {
  const html = graphqlConsolePage();
  return {
    serverWillStart() {
      return Promise.resolve({ renderLandingPage: () => Promise.resolve({ html }) });
    },
  };
}
