import { Empty, Spin, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { StepOutcomeText, stepColor } from '../runs/step-outcome';
import { stepOutcome } from '../runs/step-words';
import { formatShortTime, formatTime } from '../shell/format';
import { isWaiting } from '../shell/run-status';
import { useAsync } from '../shell/use-async';
import { RunEnd } from './run-end';
import { NodeLabel, type useRunNodes } from './run-nodes';

/**
 * One run's path, node by node: the output each step took and when, and in words what held it back —
 * skipped or deferred effects with their reason, the goal that converted it, the exit criterion it met.
 */
export function RunSteps({ runId, words }: { runId: string; words: ReturnType<typeof useRunNodes> }) {
  const { t } = useTranslation();
  const r = useAsync(() => api.run(runId), [runId]);
  if (!r.data) return r.loading ? <Spin size="small" /> : <Empty />;
  const { run, steps } = r.data;
  return (
    <div data-testid={`run-steps-${runId}`}>
      <Timeline
        items={[
          ...steps.map((s) => {
            const node = words(run, s.nodeId, s.nodeType);
            // a split's group, a branch's condition: the label the marketer gave it
            const out = node.outputs.find((o) => o.id === s.output)?.label ?? s.output;
            const outcome = stepOutcome(s);
            return {
              color: stepColor(outcome),
              children: (
                <div data-testid={`run-step-${s.status}`}>
                  <NodeLabel words={node} nodeId={s.nodeId} />
                  {out && outcome.kind !== 'skipped' && <span> → {out}</span>}
                  <StepOutcomeText outcome={outcome} />
                  <div className="yt-muted">{formatTime(s.at)}</div>
                </div>
              ),
            };
          }),
          ...(run.nextAt && isWaiting(run.status)
            ? [
                {
                  color: 'cyan',
                  children: (
                    <div>
                      {run.currentNodeId && (
                        <NodeLabel
                          words={words(run, run.currentNodeId, run.currentNodeType)}
                          nodeId={run.currentNodeId}
                        />
                      )}
                      <div>{t('runs.waitUntil', { at: formatShortTime(run.nextAt) })}</div>
                    </div>
                  ),
                },
              ]
            : []),
        ]}
      />
      <RunEnd run={run} />
      {run.temporalUrl && (
        <a href={run.temporalUrl} target="_blank" rel="noreferrer" data-testid={`run-temporal-${runId}`}>
          {t('runs.temporal')}
        </a>
      )}
    </div>
  );
}
