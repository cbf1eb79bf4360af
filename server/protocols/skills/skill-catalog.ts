import { createHash } from 'node:crypto';
import { renderSkillDocument, type SkillGateway, type SkillTool } from './skill-document.ts';
import { skillNames } from './skill-names.ts';

/** One rendered skill: a folder `<name>/` holding one `SKILL.md`. */
export interface RenderedSkill {
  name: string;
  /** The tool the skill calls. */
  toolName: string;
  description: string;
  /** `<name>/SKILL.md`, the file's path relative to a skills folder. */
  fileName: string;
  content: string;
  /** The exact bytes served (UTF-8 of `content`). */
  bytes: Buffer;
  /** Lowercase hex SHA-256 of `bytes`. */
  sha256: string;
}

/** What rendering needs of a skills gateway: its public facts, auth methods, prefix and served tools. */
export interface SkillSource extends SkillGateway {
  configuration: Record<string, unknown>;
  tools: readonly SkillTool[];
}

/** The configured `skillPrefix`, or none. */
function prefixOf(configuration: Record<string, unknown>): string {
  return typeof configuration.skillPrefix === 'string' ? configuration.skillPrefix : '';
}

/**
 * Every tool of a skills gateway as a SKILL.md, ordered by skill name. Names are derived from all the
 * gateway's tools at once, so a tool keeps its name whichever subset of tools a caller may see.
 */
export function renderSkills(source: SkillSource): RenderedSkill[] {
  const names = skillNames(
    prefixOf(source.configuration),
    source.tools.map((tool) => tool.name),
  );
  return source.tools
    .map((tool) => {
      const name = names.get(tool.name)!;
      const { description, content } = renderSkillDocument(source, tool, name);
      const bytes = Buffer.from(content, 'utf8');
      return {
        name,
        toolName: tool.name,
        description,
        fileName: `${name}/SKILL.md`,
        content,
        bytes,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
