import { describe, expect, it } from 'vitest';
import type { NodeTypeInfo } from '../api/types';
import { outputsFor } from './outputs';

const base = {
  version: 1,
  order: 1000,
  title: { zh: '', en: '' },
  description: { zh: '', en: '' },
  icon: '',
  color: '',
  configSchema: {},
  defaults: {},
  summary: { zh: '', en: '' },
};
const waitEvent = {
  ...base,
  type: 'wait.event',
  category: 'flow',
  outputs: [
    { id: 'matched', label: { zh: '已发生', en: 'Happened' } },
    { id: 'timeout', label: { zh: '超时', en: 'Timed out' } },
  ],
  dynamicOutputs: null,
} as NodeTypeInfo;
const branch = {
  ...base,
  type: 'branch',
  category: 'flow',
  outputs: [],
  dynamicOutputs: {
    from: 'conditions',
    id: 'id',
    label: 'label',
    extra: [{ id: 'else', label: { zh: '其他', en: 'Otherwise' } }],
  },
} as NodeTypeInfo;

describe('outputsFor', () => {
  it('returns static outputs in the language', () => {
    expect(outputsFor(waitEvent, {}, 'zh')).toEqual([
      { id: 'matched', label: '已发生' },
      { id: 'timeout', label: '超时' },
    ]);
  });
  it('derives outputs from the config array plus extras', () => {
    const cfg = { conditions: [{ id: 'vip', label: 'VIP' }, { id: 'c2', label: '' }, { label: 'no id' }] };
    expect(outputsFor(branch, cfg, 'en')).toEqual([
      { id: 'vip', label: 'VIP' },
      { id: 'c2', label: '#2' },
      { id: 'else', label: 'Otherwise' },
    ]);
  });
  it('copes with a missing array and an unknown type', () => {
    expect(outputsFor(branch, {}, 'zh')).toEqual([{ id: 'else', label: '其他' }]);
    expect(outputsFor(undefined, {}, 'zh')).toEqual([]);
  });
});
