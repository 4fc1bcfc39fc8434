import { parseNonNegativeQuantity, parseQuantity } from '../../lib/manifests/quantity';

test.each([
  ['1', 1], ['500m', 0.5], ['0.5', 0.5], ['.5', 0.5], ['2k', 2000], ['1Ki', 1024], ['4Gi', 4 * 2 ** 30],
  ['1e3', 1000], ['1E-3', 0.001], ['+1', 1], ['-1', -1], ['128974848', 128974848], ['129M', 129e6], ['100u', 1e-4],
])('parses %s the way Kubernetes does', (text, value) => {
  expect(parseQuantity(text)).toBeCloseTo(value, 12);
});

test.each(['10 Gi', '1.5.0', 'Gi', '', '1gi', '1KiB', '1 ', ' 1', '1Mi2', '--1', 'e3', '1e'])('rejects %j', (text) => {
  expect(parseQuantity(text)).toBeUndefined();
});

test('negative quantities are not resource amounts', () => {
  expect(parseNonNegativeQuantity('-1')).toBeUndefined();
  expect(parseNonNegativeQuantity('0')).toBe(0);
});
