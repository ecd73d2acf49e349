/** How often a subject or a client address may try things; defaults, overridable by RATE_LIMITS. */
import { z } from 'zod';

interface RateRule {
  limit: number;
  windowMs: number;
}

const minutes = (n: number) => n * 60 * 1000;

/** The rules by name; `DEFAULT_RATE_RULES` has exactly these keys. */
const RATE_RULE_NAMES = [
  'registrationsPerAddress',
  'registrationsPerEmail',
  'codeAttemptsPerRegistration',
  'codeAttemptsPerAddress',
  'resendsPerRegistration',
  'resendsPerAddress',
  'loginsPerUserId',
  'loginsPerAddress',
] as const;

export type RateRuleName = (typeof RATE_RULE_NAMES)[number];
export type RateRules = Record<RateRuleName, RateRule>;

export const DEFAULT_RATE_RULES: Readonly<RateRules> = {
  registrationsPerAddress: { limit: 30, windowMs: minutes(60) },
  registrationsPerEmail: { limit: 5, windowMs: minutes(60) },
  codeAttemptsPerRegistration: { limit: 15, windowMs: minutes(15) },
  codeAttemptsPerAddress: { limit: 60, windowMs: minutes(15) },
  resendsPerRegistration: { limit: 5, windowMs: minutes(60) },
  resendsPerAddress: { limit: 30, windowMs: minutes(60) },
  loginsPerUserId: { limit: 10, windowMs: minutes(15) },
  loginsPerAddress: { limit: 100, windowMs: minutes(15) },
};

const ruleSchema = z.strictObject({ limit: z.number().int().positive(), windowMs: z.number().int().positive() });
const overridesSchema = z.partialRecord(z.enum(RATE_RULE_NAMES), ruleSchema);

/** The default rules with the overrides of a JSON object such as `{"loginsPerUserId":{"limit":3,"windowMs":60000}}`. */
export function rateRulesFrom(json: string | undefined): RateRules {
  if (!json) return DEFAULT_RATE_RULES;
  return { ...DEFAULT_RATE_RULES, ...overridesSchema.parse(JSON.parse(json)) };
}
