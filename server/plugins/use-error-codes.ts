import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { classifyGraphqlError } from '../errors.ts';

function withCode(error: GraphQLError): GraphQLError {
  const { code, status, message } = classifyGraphqlError(error);
  if (error.extensions?.code === code && message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    path: error.path,
    extensions: { ...error.extensions, code, http: { status } },
  });
}

/**
 * Gives every error in a GraphQL response one of the documented codes in `extensions.code`, with its
 * HTTP status: parse, validation, limit and variable errors become BAD_REQUEST (400).
 */
export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.length) return;
      setResult({ ...result, errors: result.errors.map((error) => withCode(error as GraphQLError)) });
    },
  };
}
