/**
 * A deep copy of parsed document data as plain JSON data, so produced schemas survive being stored as JSON
 * unchanged: dates (YAML 1.1 timestamps) become ISO strings, non-finite numbers (YAML `.inf`, `.nan`) become
 * null, and other objects become plain objects of their own enumerable properties. Keys such as
 * `__proto__` stay ordinary properties.
 */
export function jsonCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jsonCopy);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value === null || typeof value !== 'object') return value ?? null;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonCopy(item)]));
}
