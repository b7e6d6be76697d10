import { describe, expect, it } from 'vitest';
import { compileNamingPattern, enforceNamingRule } from './naming-rule.js';
import { enforceVocabularies, validateVocabulary } from './vocabulary.js';

describe('naming rules', () => {
  const rule = { entityKind: 'model' as const, pattern: '^[a-z][a-z0-9-]*$', description: 'kebab-case' };

  it('accepts names that match and refuses others quoting the rule', () => {
    expect(() => enforceNamingRule(rule, 'fraud-detector')).not.toThrow();
    expect(() => enforceNamingRule(rule, 'Fraud_Detector')).toThrow(
      "Name 'Fraud_Detector' does not follow the naming rule for model: ^[a-z][a-z0-9-]*$ (kebab-case)",
    );
    expect(() => enforceNamingRule(undefined, 'Anything Goes')).not.toThrow();
  });

  it('refuses patterns that are not regular expressions', () => {
    expect(() => compileNamingPattern('^[a-z')).toThrow(/not a valid regular expression/);
    expect(() => compileNamingPattern('')).toThrow(/1-500 characters/);
    expect(() => compileNamingPattern('^(a)\\1$')).toThrow(/not a valid regular expression/);
    expect(() => compileNamingPattern('^(?=a)')).toThrow(/not a valid regular expression/);
    expect(compileNamingPattern('^[a-z]+(-[a-z0-9]+)*$').test('fraud-v2')).toBe(true);
    expect(compileNamingPattern('^[a-z][a-z0-9_-]{2,40}$').test('churn_model')).toBe(true);
    expect(compileNamingPattern('^[a-z][a-z0-9_-]{2,40}$').test('Churn')).toBe(false);
  });

  it('matches patterns that make a backtracking engine take exponential time, on long names', () => {
    // With a backtracking engine each of these takes on the order of 2^n steps on such a name: the test could not
    // finish. RE2's engine reads each character a bounded number of times.
    const adversarial = `${'a'.repeat(10_000)}!`;
    for (const pattern of ['^((a+))+$', '^(.*a){25}$', '^(?:a|a)*$', '^(\\w+\\s?)+$', '^(a|aa)+$', '^([a-z0-9]*)*$']) {
      expect(compileNamingPattern(pattern).test(adversarial), pattern).toBe(false);
      expect(compileNamingPattern(pattern).test('a'.repeat(30)), pattern).toBe(true);
    }
  });
});

describe('controlled vocabularies', () => {
  const risk = {
    tagKey: 'risk_tier',
    description: 'model risk tier',
    terms: [
      { value: 'low', description: 'internal analytics' },
      { value: 'high', description: 'customer-facing decisions' },
    ],
  };
  const vocabularies = new Map([[risk.tagKey, risk]]);

  it('lets allowed values and uncontrolled keys through', () => {
    expect(() =>
      enforceVocabularies(vocabularies, [
        { key: 'risk_tier', value: 'high' },
        { key: 'team', value: 'anything' },
      ]),
    ).not.toThrow();
  });

  it('refuses other values, listing the allowed ones with their meaning', () => {
    expect(() => enforceVocabularies(vocabularies, [{ key: 'risk_tier', value: 'medium' }])).toThrow(
      "Tag 'risk_tier' does not allow value 'medium'; allowed values: 'low' (internal analytics), " +
        "'high' (customer-facing decisions)",
    );
  });

  it('refuses empty and duplicated value lists', () => {
    expect(() => validateVocabulary({ ...risk, terms: [] })).toThrow(/at least one value/);
    expect(() => validateVocabulary({ ...risk, terms: [...risk.terms, { value: 'low', description: null }] })).toThrow(
      /lists 'low' twice/,
    );
  });
});
