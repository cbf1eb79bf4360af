import { builder } from '../builder.ts';
import type { RenderedSkill } from '../protocols/skills/skill-catalog.ts';
import { gatewaySkills } from '../services/skills.ts';

const SkillRef = builder.objectRef<RenderedSkill>('Skill').implement({
  description: 'One tool of a skills gateway as an Agent Skills SKILL.md, exactly as the gateway serves it.',
  fields: (t) => ({
    name: t.exposeString('name', {
      description: 'The skill name: the tool name (with the gateway’s skillPrefix) in lowercase and hyphens.',
    }),
    fileName: t.exposeString('fileName', { description: '`<name>/SKILL.md`, relative to a skills folder.' }),
    content: t.exposeString('content', { description: 'The file: YAML front matter, then Markdown.' }),
  }),
});

const GatewaySkillsRef = builder.objectRef<{ skills: RenderedSkill[] }>('GatewaySkills').implement({
  fields: (t) => ({ skills: t.field({ type: [SkillRef], resolve: (value) => value.skills }) }),
});

builder.queryField('gatewaySkills', (t) =>
  t.field({
    type: GatewaySkillsRef,
    description:
      'The SKILL.md files of a gateway of type skills, ordered by name. Other gateway types answer BAD_REQUEST naming `type`.',
    args: { gatewayId: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => ({ skills: await gatewaySkills(ctx, String(args.gatewayId)) }),
  }),
);
