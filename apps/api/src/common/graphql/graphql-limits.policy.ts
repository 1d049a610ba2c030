import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import { type ASTVisitor, type FieldNode, GraphQLError, type ValidationContext } from 'graphql';

/**
 * Limits on what one GraphQL document may ask for (@escape.tech/graphql-armor): enough for any screen of the
 * dashboard (apps → environments → deployments → events is depth 5), far from the 100-alias, 5,000-deep documents
 * that took seconds or overflowed the parser. Exported for the docs and the security suite.
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 10,
  maxAliases: 10,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 5_000,
} as const;

/** Root fields that read the whole audit chain or a cluster: once per document, not 50 times by alias. */
export const EXPENSIVE_FIELDS = new Set(['auditVerification', 'checkCluster']);

/** Validation rule: an expensive field appears at most once in a document. */
export function expensiveFieldsOnce(context: ValidationContext): ASTVisitor {
  const seen = new Map<string, number>();
  return {
    Field(node: FieldNode) {
      const name = node.name.value;
      if (!EXPENSIVE_FIELDS.has(name)) return;
      const count = (seen.get(name) ?? 0) + 1;
      seen.set(name, count);
      if (count === 2) {
        context.reportError(new GraphQLError(`"${name}" may appear only once per document; send separate requests.`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
      }
    },
  };
}

export interface GraphqlProtection {
  plugins: ApolloServerPlugin[];
  validationRules: Array<(context: ValidationContext) => ASTVisitor>;
  /** graphql-js's own token limit, enforced while parsing. */
  parseOptions: { maxTokens: number };
}

/**
 * Armor's rules and plugins for Apollo. Field suggestions ("Did you mean …?") are masked when `production`;
 * anonymous callers never reach validation at all (the context authenticates first).
 */
export function graphqlProtection(production: boolean): GraphqlProtection {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ignoreIntrospection: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    // Armor's token plugin parses in Apollo's parsingDidStart hook, where a syntax error becomes an HTTP 500; the
    // same limit in graphql-js's parser (Apollo's parseOptions) answers 400 GRAPHQL_PARSE_FAILED.
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: production },
  });
  const { plugins, validationRules } = armor.protect();
  return {
    plugins: plugins as ApolloServerPlugin[],
    validationRules: [...(validationRules as GraphqlProtection['validationRules']), expensiveFieldsOnce],
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
  };
}
