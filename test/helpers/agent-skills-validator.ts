import { parse } from 'yaml';

/** The front matter fields the Agent Skills specification allows. */
export const ALLOWED_FIELDS = [
  'name',
  'description',
  'license',
  'compatibility',
  'metadata',
  'allowed-tools',
];
export const MAX_NAME_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_COMPATIBILITY_LENGTH = 500;

export interface ParsedSkill {
  frontMatter: Record<string, unknown>;
  body: string;
}

/** Lengths in characters (code points), as the specification counts them, not UTF-16 units. */
const length = (text: string) => [...text].length;

/**
 * Splits a SKILL.md into its YAML front matter and Markdown body. The front matter is read with both
 * YAML 1.1 and 1.2 rules, which must agree: a value such as `on` or `0x1F` left unquoted would be a
 * boolean or a number to one of them.
 * @throws when there is no front matter, it is not a mapping, or the two readings differ.
 */
export function parseSkill(content: string): ParsedSkill {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(content);
  if (!match) throw new Error('SKILL.md must start with YAML front matter between --- lines');
  const modern = parse(match[1]!, { version: '1.2' }) as unknown;
  const legacy = parse(match[1]!, { version: '1.1' }) as unknown;
  if (JSON.stringify(modern) !== JSON.stringify(legacy)) {
    throw new Error(`front matter reads differently under YAML 1.1 and 1.2: ${JSON.stringify(legacy)}`);
  }
  if (typeof modern !== 'object' || modern === null || Array.isArray(modern)) {
    throw new Error('front matter must be a YAML mapping');
  }
  return { frontMatter: modern as Record<string, unknown>, body: match[2]! };
}

function nameProblems(value: unknown, folder: string): string[] {
  if (typeof value !== 'string' || value.trim() === '') return ["'name' must be a non-empty string"];
  const name = value.normalize('NFKC');
  const problems: string[] = [];
  if (length(name) > MAX_NAME_LENGTH)
    problems.push(`name '${name}' is longer than ${MAX_NAME_LENGTH} characters`);
  if (name !== name.toLowerCase()) problems.push(`name '${name}' must be lowercase`);
  if (!/^[a-z0-9-]+$/.test(name)) problems.push(`name '${name}' may hold only a-z, 0-9 and hyphens`);
  if (name.startsWith('-') || name.endsWith('-'))
    problems.push(`name '${name}' must not start or end with a hyphen`);
  if (name.includes('--')) problems.push(`name '${name}' must not contain consecutive hyphens`);
  if (folder.normalize('NFKC') !== name)
    problems.push(`name '${name}' must equal its folder name '${folder}'`);
  return problems;
}

function descriptionProblems(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return ["'description' must be a non-empty string"];
  return length(value) > MAX_DESCRIPTION_LENGTH
    ? [`description is ${length(value)} characters, more than ${MAX_DESCRIPTION_LENGTH}`]
    : [];
}

function optionalProblems(frontMatter: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { license, compatibility, metadata } = frontMatter;
  const allowedTools = frontMatter['allowed-tools'];
  if (license !== undefined && typeof license !== 'string') problems.push("'license' must be a string");
  if (compatibility !== undefined) {
    if (
      typeof compatibility !== 'string' ||
      length(compatibility) < 1 ||
      length(compatibility) > MAX_COMPATIBILITY_LENGTH
    ) {
      problems.push(`'compatibility' must be a string of 1–${MAX_COMPATIBILITY_LENGTH} characters`);
    }
  }
  if (metadata !== undefined) {
    const valid =
      typeof metadata === 'object' &&
      metadata !== null &&
      !Array.isArray(metadata) &&
      Object.values(metadata).every((entry) => typeof entry === 'string');
    if (!valid) problems.push("'metadata' must map string keys to string values");
  }
  if (allowedTools !== undefined) {
    const valid =
      typeof allowedTools === 'string' ||
      (Array.isArray(allowedTools) && allowedTools.every((tool) => typeof tool === 'string'));
    if (!valid) problems.push("'allowed-tools' must be a string or a list of strings");
  }
  return problems;
}

/**
 * Everything wrong with a SKILL.md by the Agent Skills specification, given the name of the folder it
 * sits in; an empty list when it passes. Checks: front matter present and a mapping, only the allowed
 * fields, `name` (1–64 characters of a-z, 0-9 and single inner hyphens, equal to the folder), `description`
 * (1–1024 characters), the optional fields' types and limits, and a body after the front matter.
 */
export function validateSkill(content: string, folder: string): string[] {
  let parsed: ParsedSkill;
  try {
    parsed = parseSkill(content);
  } catch (error) {
    return [(error as Error).message];
  }
  const { frontMatter, body } = parsed;
  const unknown = Object.keys(frontMatter).filter((field) => !ALLOWED_FIELDS.includes(field));
  return [
    ...(unknown.length > 0 ? [`unexpected front matter fields: ${unknown.join(', ')}`] : []),
    ...('name' in frontMatter ? nameProblems(frontMatter.name, folder) : ['missing required field: name']),
    ...('description' in frontMatter
      ? descriptionProblems(frontMatter.description)
      : ['missing required field: description']),
    ...optionalProblems(frontMatter),
    ...(body.trim() === '' ? ['the Markdown body after the front matter is empty'] : []),
  ];
}
