/**
 * One definition of text length (domain/text.ts), shared by the schemas and the tests: zod counts
 * as `textLength` does for every string, astral characters and lone surrogates included, so a
 * test that builds a string one code point over a limit is refused however it is made. The old
 * counterexample: 1,910 code points in 2,101 UTF-16 units, under the 2,000 limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LONGEST_TEXT, text, TEXT_LIMITS, textLength } from '../../domain/text';

/** Strings of every kind of code point: ASCII, other planes, lone surrogates. */
const anyText = fc.string({
  unit: fc.oneof(fc.constant('a'), fc.constant('😀'), fc.constant('\uD800'), fc.constant('\uDC00'), fc.constant('é')),
  maxLength: 40,
});

describe('textLength', () => {
  it('counts code points: a surrogate pair once, a lone surrogate as one', () => {
    expect(textLength('')).toBe(0);
    expect(textLength('abc')).toBe(3);
    expect(textLength('😀')).toBe(1);
    expect('😀'.length).toBe(2);
    expect(textLength('\uD800')).toBe(1);
    expect(textLength('\uDC00\uD800')).toBe(2); // reversed: two lone surrogates, not a pair
    expect(textLength('ünïcödé 😀 '.repeat(191))).toBe(1910);
    expect('ünïcödé 😀 '.repeat(191).length).toBe(2101);
  });

  it('is what zod counts for min, max and length, for any string', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 45 }), (value, limit) => {
        const n = textLength(value);
        expect(text(limit, { min: 0, trim: false }).safeParse(value).success).toBe(n <= limit);
        expect(text(1000, { min: limit, trim: false }).safeParse(value).success).toBe(n >= limit);
        expect(text(limit, { min: limit, trim: false }).safeParse(value).success).toBe(n === limit);
      }),
      { numRuns: 500 },
    );
  });
});

describe('text()', () => {
  it('takes exactly the limit in code points and refuses one more, whatever the UTF-16 length', () => {
    const justification = text(TEXT_LIMITS.justification);
    expect(justification.safeParse('😀'.repeat(TEXT_LIMITS.justification)).success).toBe(true); // 4,000 UTF-16 units
    expect(justification.safeParse('😀'.repeat(TEXT_LIMITS.justification + 1)).success).toBe(false);
    expect(justification.safeParse('ünïcödé 😀 '.repeat(191)).success).toBe(true); // 1,910 code points
  });

  it('trims first, and says what is wrong', () => {
    expect(text(3).safeParse('  abc  ').data).toBe('abc');
    expect(text(3).safeParse('  ').error?.issues[0]?.message).toBe('is required');
    expect(text(3).safeParse('abcd').error?.issues[0]?.message).toBe('is at most 3 characters');
    expect(text(10, { min: 2, tooShort: 'is too short' }).safeParse(' x ').error?.issues[0]?.message).toBe('is too short');
  });

  it('knows the longest limit', () => {
    expect(LONGEST_TEXT).toBe(TEXT_LIMITS.justification);
  });
});
