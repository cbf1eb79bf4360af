import { builder } from '../builder.ts';
import type { Member } from '../services/members.ts';
import { addMember, listMembers, removeMember, updateMemberRole } from '../services/members.ts';
import {
  createOrganization,
  deleteOrganization,
  getOrganization,
  listOrganizations,
  type OrganizationWithRole,
  updateOrganization,
} from '../services/organizations.ts';
import { RoleEnum } from './enums.ts';
import { withoutNulls } from './input.ts';
import { pageArgs, pageOf } from './pagination.ts';
import { DeleteResult } from './scalars.ts';

export const OrganizationRef = builder.objectRef<OrganizationWithRole>('Organization').implement({
  description: 'A tenant: every gateway, tool and key belongs to exactly one organization.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    slug: t.exposeString('slug', {
      description: 'First segment of the gateway URLs; derived from the name, unique.',
    }),
    description: t.exposeString('description', { nullable: true }),
    role: t.field({ type: RoleEnum, description: 'Your role here.', resolve: (org) => org.role as 'owner' }),
    storeExecutionPayloads: t.exposeBoolean('storeExecutionPayloads', {
      description:
        'Whether execution records keep tool-call arguments and results, with secret-looking keys redacted. Off by default.',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const MemberRef = builder.objectRef<Member>('Member').implement({
  fields: (t) => ({
    userId: t.exposeID('userId'),
    email: t.exposeString('email'),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    role: t.field({ type: RoleEnum, resolve: (member) => member.role }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime' }),
  }),
});

const OrganizationPage = pageOf('OrganizationPage', 'organizations', OrganizationRef);
const MemberPage = pageOf('MemberPage', 'members', MemberRef);

const OrganizationInput = builder.inputType('CreateOrganizationInput', {
  fields: (t) => ({ name: t.string({ required: true }), description: t.string() }),
});
const OrganizationUpdate = builder.inputType('UpdateOrganizationInput', {
  fields: (t) => ({
    name: t.string(),
    description: t.string({ description: 'null clears it.' }),
    storeExecutionPayloads: t.boolean({
      description:
        'Keep tool-call arguments and results (secret-looking keys such as password, token, apiKey and authorization redacted) in execution records. Admins and owners only.',
    }),
  }),
});
const AddMemberInput = builder.inputType('AddMemberInput', {
  fields: (t) => ({
    email: t.string({ required: true, description: 'Of a registered user.' }),
    role: t.field({ type: RoleEnum, required: true }),
  }),
});
const MemberRoleInput = builder.inputType('UpdateMemberRoleInput', {
  fields: (t) => ({ role: t.field({ type: RoleEnum, required: true }) }),
});

builder.queryFields((t) => ({
  organizations: t.field({
    type: OrganizationPage,
    description: 'Your organizations.',
    args: pageArgs,
    resolve: (_root, args, ctx) => listOrganizations(ctx, args),
  }),
  organization: t.field({
    type: OrganizationRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => getOrganization(ctx, String(args.id)),
  }),
  members: t.field({
    type: MemberPage,
    args: { organizationId: t.arg.id({ required: true }), ...pageArgs },
    resolve: (_root, args, ctx) => listMembers(ctx, String(args.organizationId), args),
  }),
}));

builder.mutationFields((t) => ({
  createOrganization: t.field({
    type: OrganizationRef,
    description: 'Creates an organization; you become its owner.',
    args: { input: t.arg({ type: OrganizationInput, required: true }) },
    resolve: (_root, args, ctx) => createOrganization(ctx, args.input),
  }),
  updateOrganization: t.field({
    type: OrganizationRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: OrganizationUpdate, required: true }) },
    resolve: (_root, args, ctx) =>
      updateOrganization(ctx, String(args.id), withoutNulls(args.input, ['description'])),
  }),
  deleteOrganization: t.field({
    type: DeleteResult,
    description: 'Deletes the organization and everything in it. Owners only.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => deleteOrganization(ctx, String(args.id)),
  }),
  addMember: t.field({
    type: MemberRef,
    args: {
      organizationId: t.arg.id({ required: true }),
      input: t.arg({ type: AddMemberInput, required: true }),
    },
    resolve: (_root, args, ctx) => addMember(ctx, String(args.organizationId), args.input),
  }),
  updateMemberRole: t.field({
    type: MemberRef,
    args: {
      organizationId: t.arg.id({ required: true }),
      userId: t.arg.id({ required: true }),
      input: t.arg({ type: MemberRoleInput, required: true }),
    },
    resolve: (_root, args, ctx) =>
      updateMemberRole(ctx, String(args.organizationId), String(args.userId), args.input),
  }),
  removeMember: t.field({
    type: DeleteResult,
    args: { organizationId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => removeMember(ctx, String(args.organizationId), String(args.userId)),
  }),
}));
