/**
 * The one measure of text length, for every text limit: Unicode code points. That is what a
 * person counts as characters (an emoji is one, though JavaScript's `.length` counts two UTF-16
 * units), what JSON Schema's `minLength`/`maxLength` mean (so the OpenAPI document and the API
 * agree), and what zod's `min`/`max`/`length` count on strings (zod 4.6). The schemas take their
 * limits from `TEXT_LIMITS` through `text()`, and the tests build their too-long strings with
 * `textLength` and the same limits (test/unit/text.test.ts checks that zod still counts so).
 */
import { z } from 'zod';

/** Code points in `value`: a surrogate pair counts once, a lone surrogate as one. */
export function textLength(value: string): number {
  let count = 0;
  for (const _codePoint of value) count++;
  return count;
}

/** The longest text each kind of field takes, in code points (`textLength`). */
export const TEXT_LIMITS = {
  /** A person's first or last name, an address line, a city. */
  name: 100,
  /** An organization's or a user group's name, and the organization search. */
  organizationName: 200,
  state: 40,
  email: 254,
  justification: 2000,
  /** A denial's reason. */
  reason: 1000,
  userId: 64,
  /** What a login or password change accepts before the password policy looks (domain/password-policy.ts). */
  password: 200,
  questionId: 40,
  answer: 200,
  /** A CMS application's id and name in the catalog (APPLICATIONS). */
  applicationId: 40,
  applicationName: 200,
  /** The approver queue's `after` cursor. */
  cursor: 200,
} as const;

/** The longest text any field takes: a string longer than this is refused everywhere. */
export const LONGEST_TEXT = Math.max(...Object.values(TEXT_LIMITS));

/**
 * A text field: trimmed (unless `trim: false`), at most `max` code points, at least `min`
 * (1 by default: "is required"; `tooShort` says otherwise).
 */
export function text(
  max: number,
  {
    min = 1,
    trim = true,
    tooShort = min === 1 ? 'is required' : `is at least ${min} characters`,
  }: { min?: number; trim?: boolean; tooShort?: string } = {},
) {
  const base = trim ? z.string().trim() : z.string();
  return (min === 0 ? base : base.min(min, tooShort)).max(max, `is at most ${max} characters`);
}
