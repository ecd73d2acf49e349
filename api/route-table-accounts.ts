/** The routes of accounts: log in, first login, the caller's own account, and their administration (see api/route-table.ts). */
import { loginSchema, organizationSearchSchema, passwordChangeSchema, questionAnswersSchema } from '../domain/schemas';
import { userIdSchema } from './account-admin-routes';
import * as answers from './answers';

import { json, noContent, type RouteDoc } from './route-doc';

export const ACCOUNT_ROUTES: readonly RouteDoc[] = [
  // Accounts
  {
    method: 'post',
    path: '/auth/login',
    tag: 'accounts',
    summary: 'Log in with a user ID and password',
    audience: 'anyone',
    body: loginSchema,
    answers: { 200: json('a session', answers.loginAnswerSchema) },
    refusals: [401, 429],
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'accounts',
    summary: 'End the session',
    audience: 'account (first login)',
    answers: { 204: noContent },
    refusals: [401],
  },
  {
    method: 'post',
    path: '/auth/password',
    tag: 'accounts',
    summary: 'Change the password (the temporary one at the first login)',
    audience: 'account (first login)',
    body: passwordChangeSchema,
    answers: { 204: noContent },
    refusals: [401, 403, 422],
  },
  {
    method: 'get',
    path: '/auth/questions',
    tag: 'accounts',
    summary: 'The authentication questions',
    audience: 'account (first login)',
    answers: { 200: json('the questions', answers.authenticationQuestionsSchema) },
    refusals: [401],
  },
  {
    method: 'put',
    path: '/me/authentication-questions',
    tag: 'accounts',
    summary: 'Answer at least two authentication questions',
    audience: 'account (first login)',
    body: questionAnswersSchema,
    answers: { 204: noContent },
    refusals: [401, 403, 409, 422],
  },
  {
    method: 'get',
    path: '/me',
    tag: 'accounts',
    summary: 'Who the caller is',
    audience: 'account',
    answers: { 200: json('the account', answers.meSchema) },
    refusals: [401, 403],
  },
  {
    method: 'get',
    path: '/organizations',
    tag: 'accounts',
    summary: 'Search approved organizations (and their user groups)',
    audience: 'anyone',
    query: organizationSearchSchema,
    answers: { 200: json('at most 50, by name', answers.organizationsAnswerSchema) },
    refusals: [],
  },
  {
    method: 'post',
    path: '/accounts/:userId/deactivate',
    tag: 'accounts',
    summary: 'Deactivate an account; what waited on it moves to the next approvers',
    audience: 'help desk or operator',
    params: { userId: userIdSchema },
    answers: { 200: json('deactivated; the requests that moved', answers.deactivationSchema) },
    refusals: [401, 403, 404, 409],
  },
];
