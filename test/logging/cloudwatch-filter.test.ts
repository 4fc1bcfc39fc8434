import { FilterPatternError, insightContribution, matchesFilterPattern, patternStats } from './cloudwatch-filter';

// An event shaped like the examples in CloudWatch Logs' filter-pattern documentation.
const EVENT = JSON.stringify({
  eventType: 'UpdateTrail',
  sourceIPAddress: '123.123.123.123',
  arrayKey: ['value', 'another value'],
  objectList: [{ name: 'a', id: 1 }, { name: 'b', id: 2 }],
  SomeObject: null,
  ThisFlag: true,
  bandwidth: 80,
  latency: 50,
  user: { id: 1, email: 'John.Doe@example.com' },
  users: [{ id: 2, email: 'John.Doe@example.com' }],
  'cluster.name': 'c',
  message: 'Ev*ent here',
});

const m = (pattern: string) => matchesFilterPattern(pattern, EVENT);

describe('CloudWatch JSON filter pattern matcher (test helper)', () => {
  test('string equality is whole-value and case sensitive', () => {
    expect(m('{ $.eventType = "UpdateTrail" }')).toBe(true);
    expect(m('{ $.eventType = UpdateTrail }')).toBe(true);
    expect(m('{ $.eventType = "Update" }')).toBe(false);
    expect(m('{ $.eventType = "updatetrail" }')).toBe(false);
  });

  test('* is a wildcard at the start or end only; in the middle it is a literal', () => {
    expect(m('{ $.eventType = "Update*" }')).toBe(true);
    expect(m('{ $.eventType = "*Trail" }')).toBe(true);
    expect(m('{ $.eventType = "*dateTr*" }')).toBe(true);
    expect(m('{ $.eventType = "Up*Trail" }')).toBe(false);
    expect(m('{ $.message = "Ev*ent here" }')).toBe(true);
    expect(m('{ $.latency = * }')).toBe(true);
    expect(m('{ $.nothing = * }')).toBe(false);
  });

  test('!= matches a present, different value; a prefix wildcard works with it', () => {
    expect(m('{ $.sourceIPAddress != 123.123.* }')).toBe(false);
    expect(m('{ $.sourceIPAddress != 10.0.* }')).toBe(true);
    expect(m('{ $.eventType != "UpdateTrail" }')).toBe(false);
  });

  test('an absent field matches neither = nor !=', () => {
    expect(m('{ $.missing = "x" }')).toBe(false);
    expect(m('{ $.missing != "x" }')).toBe(false);
    expect(m('{ $.user.missing != 1 }')).toBe(false);
  });

  test('a selector on an object or array matches neither = nor !=', () => {
    expect(m('{ $.users = 1 }')).toBe(false);
    expect(m('{ $.users != 1 }')).toBe(false);
    expect(m('{ $.user != "x" }')).toBe(false);
  });

  test('array indexes, [*] and bracket keys', () => {
    expect(m('{ $.arrayKey[0] = "value" }')).toBe(true);
    expect(m('{ $.arrayKey[1] = "value" }')).toBe(false);
    expect(m('{ $.arrayKey[5] = "value" }')).toBe(false);
    expect(m('{ $.objectList[1].id = 2 }')).toBe(true);
    expect(m('{ $.arrayKey[*] = "another value" }')).toBe(true);
    expect(m('{ $.objectList[*].name = "b" }')).toBe(true);
    expect(m('{ $.objectList[*].name = "c" }')).toBe(false);
    expect(m("{ $.['cluster.name'] = \"c\" }")).toBe(true);
  });

  test('numbers compare numerically and never equal strings', () => {
    expect(m('{ $.bandwidth > 75 }')).toBe(true);
    expect(m('{ $.bandwidth <= 75 }')).toBe(false);
    expect(m('{ $.bandwidth = 80 }')).toBe(true);
    expect(m('{ $.bandwidth != 80 }')).toBe(false);
    expect(m('{ $.eventType > 1 }')).toBe(false);
    expect(m('{ $.latency = 5e1 }')).toBe(true);
  });

  test('IS NULL / TRUE / FALSE and NOT EXISTS', () => {
    expect(m('{ $.SomeObject IS NULL }')).toBe(true);
    expect(m('{ $.ThisFlag IS TRUE }')).toBe(true);
    expect(m('{ $.ThisFlag IS FALSE }')).toBe(false);
    expect(m('{ $.SomeOtherObject NOT EXISTS }')).toBe(true);
    expect(m('{ $.SomeObject NOT EXISTS }')).toBe(false);
  });

  test('&& binds tighter than ||, and parentheses group', () => {
    expect(m('{ $.eventType = "x" && $.bandwidth = 1 || $.latency = 50 }')).toBe(true);
    expect(m('{ $.eventType = "x" && ($.bandwidth = 1 || $.latency = 50) }')).toBe(false);
    expect(m('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }')).toBe(true);
  });

  test('%regex% matches anywhere in a string, and only strings', () => {
    expect(m('{ $.eventType = %Trail% }')).toBe(true);
    expect(m('{ $.eventType = %^Trail% }')).toBe(false);
    expect(m('{ $.message = %here$% }')).toBe(true);
    expect(m('{ $.bandwidth = %8% }')).toBe(false);
  });

  test('non-JSON events never match a JSON pattern', () => {
    expect(matchesFilterPattern('{ $.kind = "Event" }', 'I1126 12:00:00.000 apiserver started')).toBe(false);
  });

  test('syntax outside the documented grammar throws instead of matching', () => {
    for (const bad of ['$.a = 1', '{ $.a = 1', '{ a = 1 }', '{ $.a ~ 1 }', '{ $.a = %(x)% }', '{ $.a = %a b% }', '{ $.a < "x" }', '{ $.a = 1 } x']) {
      expect(() => matchesFilterPattern(bad, EVENT)).toThrow(FilterPatternError);
    }
  });

  test('counts regexes and wildcard selectors', () => {
    expect(patternStats('{ $.a[*] = %x% || $.b.* = 1 || $.c = %y% }')).toEqual({ regexes: 2, wildcardSelectors: 2 });
  });
});

describe('Contributor Insights rule matcher (test helper)', () => {
  const rule = (filters: object[], keys = ['$.user.email']) => ({
    Schema: { Name: 'CloudWatchLogRule', Version: 1 }, LogFormat: 'JSON', AggregateOn: 'Count',
    Contribution: { Keys: keys, Filters: filters },
  });

  test('every filter must hold; the keys name the contributor', () => {
    expect(insightContribution(rule([{ Match: '$.bandwidth', EqualTo: 80 }]), EVENT)).toEqual(['John.Doe@example.com']);
    expect(insightContribution(rule([{ Match: '$.bandwidth', EqualTo: 80 }, { Match: '$.eventType', In: ['Other'] }]), EVENT)).toBeUndefined();
    expect(insightContribution(rule([{ Match: '$.eventType', StartsWith: ['Update'] }]), EVENT)).toEqual(['John.Doe@example.com']);
    expect(insightContribution(rule([{ Match: '$.missing', IsPresent: false }]), EVENT)).toEqual(['John.Doe@example.com']);
    expect(insightContribution(rule([{ Match: '$.users[0].id', GreaterThan: 1 }]), EVENT)).toEqual(['John.Doe@example.com']);
  });

  test('an event without the key does not contribute', () => {
    expect(insightContribution(rule([], ['$.nobody']), EVENT)).toBeUndefined();
  });

  test('unknown operators throw', () => {
    expect(() => insightContribution(rule([{ Match: '$.a', Regex: 'x' }]), EVENT)).toThrow(FilterPatternError);
  });
});
