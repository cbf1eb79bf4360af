/**
 * GraphQL gives an omitted optional input field as absent but an explicit null as null. For fields that
 * cannot be cleared both mean "leave as is"; `clearable` names the fields where null does clear.
 */
export function withoutNulls<T extends object>(input: T, clearable: readonly string[] = []): Partial<T> {
  return Object.fromEntries(
    Object.entries(input).filter(
      ([key, value]) => value !== undefined && (value !== null || clearable.includes(key)),
    ),
  ) as Partial<T>;
}
