/** MongoDB's duplicate-key error (11000): a unique index refused a second document with the same key. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === 11000;
}
