/**
 * The password rules of CMS's identity system: 15 to 60 characters with an upper-case letter,
 * a lower-case letter and a digit, and no part of the user ID or name.
 * Characters are code points, as every text limit counts them (domain/text.ts).
 */
import { textLength } from './text';

export function passwordProblems(password: string, account: { userId: string; firstName: string; lastName: string }): string[] {
  const problems: string[] = [];
  const length = textLength(password);
  if (length < 15 || length > 60) problems.push('must be 15 to 60 characters');
  if (!/[A-Z]/.test(password)) problems.push('must contain an upper-case letter');
  if (!/[a-z]/.test(password)) problems.push('must contain a lower-case letter');
  if (!/[0-9]/.test(password)) problems.push('must contain a digit');
  const lower = password.toLowerCase();
  for (const part of [account.userId, account.firstName, account.lastName]) {
    if (part.length >= 3 && lower.includes(part.toLowerCase())) problems.push('must not contain your user ID or name');
  }
  return [...new Set(problems)];
}
