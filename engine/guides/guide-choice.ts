/** A guide as the task decision sees one: who, and whether they still work with members. */
export interface GuideCandidate {
  id: string;
  name: string;
  active: boolean;
}

export type GuideChoice =
  | { guide: GuideCandidate; fallback: boolean }
  | { guide: null; reason: 'no_guide' | 'guide_inactive' };

/**
 * Who gets a guide task for a member: their own guide while active, else the node's fallback guide (the store
 * manager) while active, else nobody — and why. The worker (guide-task node `run`) and the simulator decide
 * with this one function, so a preview can never promise 已完成 to a member the real run sends down 无导购.
 */
export function chooseTaskGuide(own: GuideCandidate | null, fallback: GuideCandidate | null): GuideChoice {
  if (own?.active) return { guide: own, fallback: false };
  if (fallback?.active) return { guide: fallback, fallback: true };
  return { guide: null, reason: own ? 'guide_inactive' : 'no_guide' };
}
