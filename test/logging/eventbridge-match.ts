/**
 * A small evaluator of EventBridge event patterns, for tests only, following EventBridge's
 * documented matching: every field of the pattern must be in the event; a list of values matches
 * when the event's value (or, for an array in the event, any of its elements) equals one of them;
 * a nested object matches the event's object at that field, or any object in an array there.
 * `$or`, and `prefix` and `suffix` filters on strings, are followed; other content filters
 * (anything-but, numeric, exists, wildcard) are not used by the library's patterns and throw, so a
 * pattern this matcher does not understand fails the test.
 */
export function matchesEventPattern(pattern: any, event: any): boolean {
  for (const [key, want] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!Array.isArray(want) || want.length < 2) { throw new Error('$or takes a list of at least two patterns'); }
      if (!want.some((alternative) => matchesEventPattern(alternative, event))) { return false; }
      continue;
    }
    if (key.startsWith('$')) { throw new Error(`unsupported pattern operator ${key}`); }
    const have = event?.[key];
    if (have === undefined) { return false; }
    if (Array.isArray(want)) {
      const values = Array.isArray(have) ? have : [have];
      if (!values.some((v) => want.some((w) => matchesValue(w, v)))) { return false; }
    } else if (typeof want === 'object' && want !== null) {
      const objects = Array.isArray(have) ? have : [have];
      if (!objects.some((o) => typeof o === 'object' && o !== null && matchesEventPattern(want, o))) { return false; }
    } else {
      throw new Error(`pattern values must be lists or objects (${key})`);
    }
  }
  return true;
}

/** One entry of a value list: an exact value, or a prefix or suffix filter (case-sensitive, strings only). */
function matchesValue(want: any, value: any): boolean {
  if (typeof want !== 'object' || want === null) { return want === value; }
  const keys = Object.keys(want);
  if (keys.length !== 1 || !['prefix', 'suffix'].includes(keys[0]) || typeof want[keys[0]] !== 'string') {
    throw new Error(`unsupported content filter ${JSON.stringify(want)}`);
  }
  if (typeof value !== 'string') { return false; }
  return keys[0] === 'prefix' ? value.startsWith(want.prefix) : value.endsWith(want.suffix);
}
