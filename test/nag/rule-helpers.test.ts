import { flattenJoin, list, UNRESOLVED } from '../../lib/nag/rules/rule';

test('flattenJoin leaves deploy-time values bare inside JSON strings and quotes them as whole values', () => {
  const text = flattenJoin({ 'Fn::Join': ['', ['{"image":"', { Ref: 'Repo' }, ':1","replicas":', { Ref: 'Count' }, '}']] })!;
  expect(JSON.parse(text)).toEqual({ image: `${UNRESOLVED}:1`, replicas: UNRESOLVED });
  expect(flattenJoin('plain')).toBe('plain');
  expect(flattenJoin({ Ref: 'X' })).toBeUndefined();
});

test('a quote escaped inside a JSON string does not end it', () => {
  const text = flattenJoin({ 'Fn::Join': ['', ['{"a":"say \\"', { Ref: 'X' }, '\\""}']] })!;
  expect(JSON.parse(text)).toEqual({ a: `say "${UNRESOLVED}"` });
});

test('list wraps single values and drops nothing-values', () => {
  expect(list(['a'])).toEqual(['a']);
  expect(list('*')).toEqual(['*']);
  expect(list(undefined)).toEqual([]);
  expect(list(null)).toEqual([]);
});
