import { createHash } from 'node:crypto';

/** The Agent Skills rule for `name`: 1–64 lowercase letters and digits in hyphen-separated runs. */
export const SKILL_NAME_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const MAX_SKILL_NAME_LENGTH = 64;

const SUFFIX_LENGTH = 8;

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lowercased, every run of other characters one hyphen, trimmed, at most `max` characters. */
function sanitize(text: string, max: number): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name.slice(0, max).replace(/-+$/, '');
}

/** `base` with a suffix of the tool name's digest, still within the length limit. */
function suffixed(base: string, toolName: string, digits: number): string {
  const digest = createHash('sha256').update(toolName).digest('hex').slice(0, digits);
  const stem = sanitize(base, MAX_SKILL_NAME_LENGTH - digits - 1);
  return stem ? `${stem}-${digest}` : digest;
}

/**
 * Skill names for tools: `prefix` + tool name, lowercased, other characters turned into single hyphens,
 * trimmed to 64 characters (`tool` when nothing is left). Names that collide after that are told apart
 * deterministically: tools are taken in code-unit order of their exact names, the first keeps the plain
 * name and each later one gets a hyphen and the first 8 hex digits of its name's SHA-256 (longer should
 * even that collide). So the same tools always get the same names, whatever order they come in.
 *
 * @example
 * skillNames('acme-', ['get_item', 'Get-Item']) // Map { 'Get-Item' => 'acme-get-item', 'get_item' => 'acme-get-item-<8 hex>' }
 */
export function skillNames(prefix: string, toolNames: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  for (const toolName of [...toolNames].sort(compareCodeUnits)) {
    const base = sanitize(`${prefix}${toolName}`, MAX_SKILL_NAME_LENGTH) || 'tool';
    let name = base;
    // Longer digests first; past 48 digits the digested text itself varies, so the loop always ends.
    for (let digits = SUFFIX_LENGTH; taken.has(name); digits += 4) {
      name = digits <= 48 ? suffixed(base, toolName, digits) : suffixed(base, `${toolName}#${digits}`, 12);
    }
    taken.add(name);
    names.set(toolName, name);
  }
  return names;
}
