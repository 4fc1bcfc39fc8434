/**
 * A small evaluator of EventBridge event patterns, for tests only, following EventBridge's
 * documented matching: every field of the pattern must be in the event; a list of values matches
 * when the event's value (or, for an array in the event, any of its elements) equals one of them;
 * a nested object matches the event's object at that field, or any object in an array there.
 * Content filters (prefix, anything-but, numeric, exists, $or) are not needed by the library's
 * patterns and throw, so a pattern this matcher does not understand fails the test.
 */
export function matchesEventPattern(pattern: any, event: any): boolean {
  for (const [key, want] of Object.entries(pattern)) {
    if (key.startsWith('$')) { throw new Error(`unsupported pattern operator ${key}`); }
    const have = event?.[key];
    if (have === undefined) { return false; }
    if (Array.isArray(want)) {
      if (want.some((w) => typeof w === 'object' && w !== null)) { throw new Error(`unsupported content filter in ${key}`); }
      const values = Array.isArray(have) ? have : [have];
      if (!values.some((v) => want.includes(v))) { return false; }
    } else if (typeof want === 'object' && want !== null) {
      const objects = Array.isArray(have) ? have : [have];
      if (!objects.some((o) => typeof o === 'object' && o !== null && matchesEventPattern(want, o))) { return false; }
    } else {
      throw new Error(`pattern values must be lists or objects (${key})`);
    }
  }
  return true;
}
