import { describe, expect, it } from 'vitest';
import { chooseTaskGuide } from './guide-choice.js';

const g = (id: string, active = true) => ({ id, name: id, active });

describe('chooseTaskGuide', () => {
  it("gives the task to the member's own active guide, before any fallback", () => {
    expect(chooseTaskGuide(g('own'), g('manager'))).toEqual({ guide: g('own'), fallback: false });
  });
  it('falls back to the node’s guide when the own guide left or there is none', () => {
    expect(chooseTaskGuide(g('own', false), g('manager'))).toEqual({ guide: g('manager'), fallback: true });
    expect(chooseTaskGuide(null, g('manager'))).toEqual({ guide: g('manager'), fallback: true });
  });
  it('says why nobody gets it: no guide at all, or only inactive ones', () => {
    expect(chooseTaskGuide(null, null)).toEqual({ guide: null, reason: 'no_guide' });
    expect(chooseTaskGuide(null, g('manager', false))).toEqual({ guide: null, reason: 'no_guide' });
    expect(chooseTaskGuide(g('own', false), null)).toEqual({ guide: null, reason: 'guide_inactive' });
  });
});
