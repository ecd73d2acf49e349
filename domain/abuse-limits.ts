/** How often a subject or a client address may try things; defaults, overridable by RATE_LIMITS. */
import { z } from 'zod';

export interface RateRule {
  limit: number;
  windowMs: number;
}

const minutes = (n: number) => n * 60 * 1000;

export const DEFAULT_RATE_RULES = {
  registrationsPerAddress: { limit: 30, windowMs: minutes(60) },
  registrationsPerEmail: { limit: 5, windowMs: minutes(60) },
  codeAttemptsPerRegistration: { limit: 15, windowMs: minutes(15) },
  codeAttemptsPerAddress: { limit: 60, windowMs: minutes(15) },
  resendsPerRegistration: { limit: 5, windowMs: minutes(60) },
  resendsPerAddress: { limit: 30, windowMs: minutes(60) },
  loginsPerUserId: { limit: 10, windowMs: minutes(15) },
  loginsPerAddress: { limit: 100, windowMs: minutes(15) },
} satisfies Record<string, RateRule>;

export type RateRuleName = keyof typeof DEFAULT_RATE_RULES;
export type RateRules = Record<RateRuleName, RateRule>;

const ruleSchema = z.strictObject({ limit: z.number().int().positive(), windowMs: z.number().int().positive() });
const overridesSchema = z.partialRecord(z.enum(Object.keys(DEFAULT_RATE_RULES) as [RateRuleName, ...RateRuleName[]]), ruleSchema);

/** The default rules with the overrides of a JSON object such as `{"loginsPerUserId":{"limit":3,"windowMs":60000}}`. */
export function rateRulesFrom(json: string | undefined): RateRules {
  if (!json) return DEFAULT_RATE_RULES;
  return { ...DEFAULT_RATE_RULES, ...overridesSchema.parse(JSON.parse(json)) };
}
