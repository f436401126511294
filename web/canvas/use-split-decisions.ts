import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { SplitDecision } from '../api/results-types';

/** A split node's recorded winner, as the canvas shows it on the node. */
export interface SplitDecisionView extends SplitDecision {
  variantLabel: string;
}

/**
 * The split decisions (auto-winner or manual) of a journey while its counts are shown, from the results
 * report; refreshed with the counts. A server without the report leaves the map empty.
 */
export function useSplitDecisions(journeyId: string, on: boolean): Map<string, SplitDecisionView> {
  const [decisions, setDecisions] = useState(new Map<string, SplitDecisionView>());
  useEffect(() => {
    if (!on) return;
    let live = true;
    const load = () =>
      // decisions do not depend on the dates: the server's default range is the cheapest question
      api.results(journeyId, {}).then(
        (r) =>
          live &&
          setDecisions(
            new Map(
              r.splits.flatMap((s) =>
                s.decision
                  ? [
                      [
                        s.nodeId,
                        {
                          ...s.decision,
                          variantLabel:
                            s.variants.find((v) => v.key === s.decision?.variant)?.label ??
                            s.decision.variant,
                        },
                      ] as const,
                    ]
                  : [],
              ),
            ),
          ),
        () => undefined,
      );
    load();
    const timer = setInterval(load, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [journeyId, on]);
  return decisions;
}
