import { builder } from '../builder.ts';
import type { Organization, User } from '../generated/prisma/client.ts';
import { changePassword, login, logout, profile, register, updateProfile } from '../services/accounts.ts';
import { withoutNulls } from './input.ts';
import { OrganizationRef } from './organization.ts';

export const UserRef = builder.objectRef<User>('User').implement({
  description: 'An account. Passwords are never returned.',
  fields: (t) => ({
    id: t.exposeID('id'),
    email: t.exposeString('email'),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const AuthPayloadRef = builder
  .objectRef<{ token: string; user: User; organization: (Organization & { role?: string }) | null }>(
    'AuthPayload',
  )
  .implement({
    description: 'A signed-in session: `token` is a 24-hour bearer token for the management API.',
    fields: (t) => ({
      token: t.exposeString('token'),
      user: t.field({ type: UserRef, resolve: (payload) => payload.user }),
      organization: t.field({
        type: OrganizationRef,
        nullable: true,
        description: 'The organization created at registration; null on login.',
        resolve: (payload) => (payload.organization ? { ...payload.organization, role: 'owner' } : null),
      }),
    }),
  });

const RegisterInput = builder.inputType('RegisterInput', {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({
      required: true,
      description: 'At least 8 characters with upper case, lower case and a digit.',
    }),
    firstName: t.string({ required: true }),
    lastName: t.string({ required: true }),
    organizationName: t.string({ required: true }),
    organizationDescription: t.string(),
  }),
});

const LoginInput = builder.inputType('LoginInput', {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const UpdateProfileInput = builder.inputType('UpdateProfileInput', {
  fields: (t) => ({ firstName: t.string(), lastName: t.string(), email: t.string() }),
});

const ChangePasswordInput = builder.inputType('ChangePasswordInput', {
  fields: (t) => ({
    currentPassword: t.string({ required: true }),
    newPassword: t.string({ required: true }),
  }),
});

const LogoutResult = builder.objectRef<{ loggedOut: boolean }>('LogoutResult').implement({
  fields: (t) => ({ loggedOut: t.exposeBoolean('loggedOut') }),
});

const PasswordChangeResult = builder.objectRef<{ changed: boolean }>('PasswordChangeResult').implement({
  fields: (t) => ({ changed: t.exposeBoolean('changed') }),
});

builder.queryField('me', (t) =>
  t.field({
    type: UserRef,
    description: 'The signed-in user.',
    resolve: (_root, _args, ctx) => profile(ctx),
  }),
);

builder.mutationFields((t) => ({
  register: t.field({
    type: AuthPayloadRef,
    description: 'Creates an account and its first organization (you become its owner).',
    args: { input: t.arg({ type: RegisterInput, required: true }) },
    resolve: (_root, args, ctx) => register(ctx, args.input),
  }),
  login: t.field({
    type: AuthPayloadRef,
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: (_root, args, ctx) => login(ctx, args.input),
  }),
  logout: t.field({
    type: LogoutResult,
    description: 'Revokes the token this request was made with.',
    resolve: (_root, _args, ctx) => logout(ctx),
  }),
  updateProfile: t.field({
    type: UserRef,
    args: { input: t.arg({ type: UpdateProfileInput, required: true }) },
    resolve: (_root, args, ctx) => updateProfile(ctx, withoutNulls(args.input)),
  }),
  changePassword: t.field({
    type: PasswordChangeResult,
    args: { input: t.arg({ type: ChangePasswordInput, required: true }) },
    resolve: (_root, args, ctx) => changePassword(ctx, args.input),
  }),
}));
