import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { builder } from '../builder.ts';

builder.scalarType('DateTime', {
  description: 'An ISO-8601 timestamp in UTC, e.g. 2026-01-31T12:00:00.000Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime()))
      throw new GraphQLError('must be an ISO-8601 timestamp such as 2026-01-31T12:00:00Z');
    return date;
  },
});

function literalToJson(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((value) => literalToJson(value, variables));
    case Kind.OBJECT:
      return Object.fromEntries(
        node.fields.map((field) => [field.name.value, literalToJson(field.value, variables)]),
      );
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    default:
      throw new GraphQLError('must be a JSON value');
  }
}

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node, variables) => literalToJson(node, variables),
});

builder.scalarType('JSONObject', {
  description: 'A JSON object.',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new GraphQLError('must be a JSON object');
    return value as Record<string, unknown>;
  },
  parseLiteral: (node, variables) => {
    const value = literalToJson(node, variables);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new GraphQLError('must be a JSON object');
    return value as Record<string, unknown>;
  },
});

export const DeleteResult = builder.objectRef<{ id: string; deleted: boolean }>('DeleteResult').implement({
  description: 'The answer to a delete: the id of what is gone.',
  fields: (t) => ({ id: t.exposeID('id'), deleted: t.exposeBoolean('deleted') }),
});
