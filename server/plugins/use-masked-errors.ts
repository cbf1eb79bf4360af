import { GraphQLError } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';

/**
 * Errors that are not domain errors are bugs: the caller sees "Unexpected error" with INTERNAL_ERROR,
 * and the log gets the real error.
 */
export const maskedErrors: YogaServerOptions<object, object>['maskedErrors'] = {
  maskError(error) {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
    console.error('Unexpected error:', original);
    return new GraphQLError('Unexpected error', {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: 'INTERNAL_ERROR', http: { status: 500 } },
    });
  },
};
