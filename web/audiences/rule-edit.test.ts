import { describe, expect, it } from 'vitest';
import type { SegmentRule } from '../api/types';
import {
  cleanRule,
  issuesByRule,
  LEAF_KINDS,
  newLeaf,
  removeAt,
  ruleField,
  ruleIssueKey,
  updateAt,
} from './rule-edit';

const tree: SegmentRule = {
  kind: 'all',
  rules: [
    { kind: 'tag', op: 'has', tag: 'vip' },
    {
      kind: 'any',
      rules: [
        { kind: 'last_event', event: 'order_paid', op: 'never', days: 30 },
        { kind: 'attribute', key: 'city', op: 'exists', value: '' },
      ],
    },
  ],
};

describe('rule editing', () => {
  it('starts every kind with its own kind', () => {
    for (const k of LEAF_KINDS) expect(newLeaf(k).kind).toBe(k);
  });

  it('names a rule by the path the server uses', () => {
    expect(ruleField([])).toBe('rule');
    expect(ruleField([1, 0])).toBe('rule.rules.1.rules.0');
  });

  it('replaces and removes a nested rule without touching the others', () => {
    const next = updateAt(tree, [1, 0], () => newLeaf('registered'));
    expect((next as { rules: { rules?: SegmentRule[] }[] }).rules[1].rules?.[0].kind).toBe('registered');
    expect((tree as { rules: { rules?: SegmentRule[] }[] }).rules[1].rules?.[0].kind).toBe('last_event');
    expect(removeAt(tree, [1, 1])).toEqual({
      kind: 'all',
      rules: [
        { kind: 'tag', op: 'has', tag: 'vip' },
        { kind: 'any', rules: [{ kind: 'last_event', event: 'order_paid', op: 'never', days: 30 }] },
      ],
    });
    expect(removeAt(tree, [])).toBe(tree);
  });

  it('sends no value for "has a value", no days for never/ever, no empty filter list', () => {
    const withFilters: SegmentRule = {
      kind: 'event_count',
      event: 'x',
      days: 1,
      op: 'gte',
      value: 1,
      where: [],
    };
    expect(cleanRule(tree)).toEqual({
      kind: 'all',
      rules: [
        { kind: 'tag', op: 'has', tag: 'vip' },
        {
          kind: 'any',
          rules: [
            { kind: 'last_event', event: 'order_paid', op: 'never' },
            { kind: 'attribute', key: 'city', op: 'exists' },
          ],
        },
      ],
    });
    expect(cleanRule(withFilters)).not.toHaveProperty('where');
  });

  it('files server issues under the rule row they name', () => {
    const by = issuesByRule([
      { field: 'rule.rules.1.rules.0.days', message: 'say how many days' },
      { field: 'rule.rules', message: 'a group needs at least one rule' },
      { field: 'name', message: 'give the audience a name' },
    ]);
    expect([...by.entries()]).toEqual([
      ['rule.rules.1.rules.0', [{ field: 'days', message: 'say how many days' }]],
      ['rule', [{ field: 'rules', message: 'a group needs at least one rule' }]],
    ]);
  });

  it('says each engine reason in its own words', () => {
    const key = (field: string, message: string) => ruleIssueKey({ field, message });
    expect(key('rules', 'a group needs at least one rule')).toBe('audiences.issue.emptyGroup');
    expect(key('segmentId', 'no such audience in this workspace')).toBe('audiences.issue.segment');
    expect(key('segmentId', 'an audience cannot contain itself')).toBe('audiences.issue.self');
    expect(key('segmentId', 'this audience would contain itself through 1 other(s)')).toBe(
      'audiences.issue.cycle',
    );
    expect(key('value', 'a value is needed for this comparison')).toBe('audiences.issue.value');
    expect(key('days', 'say how many days')).toBe('audiences.issue.days');
    expect(key('tag', 'Too small')).toBe('audiences.issue.tag');
    expect(key('event', 'Invalid')).toBe('audiences.issue.event');
    expect(key('key', 'choose an attribute')).toBe('audiences.issue.key');
    expect(key('where.0.property', 'no spaces')).toBe('audiences.issue.key');
    expect(key('', 'rules nest at most 6 deep')).toBe('audiences.issue.tooDeep');
    expect(key('', 'an audience rule has at most 50 conditions; this is condition 51')).toBe(
      'audiences.issue.tooMany',
    );
    expect(key('', 'the rule is too large to evaluate from this condition on')).toBe(
      'audiences.issue.tooLarge',
    );
    expect(key('', 'this rule takes more than 5 s to count; narrow it')).toBe('audiences.issue.tooSlow');
    expect(key('op', 'Invalid option')).toBe('audiences.issue.other');
  });
});
