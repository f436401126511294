import { Empty, Spin, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatShortTime, formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { NodeLabel, type useRunNodes } from './run-nodes';

/** One run's path, node by node, with the output each step took and when. */
export function RunSteps({ runId, words }: { runId: string; words: ReturnType<typeof useRunNodes> }) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const { byType } = useCatalog();
  const r = useAsync(() => api.run(runId), [runId]);
  if (!r.data) return r.loading ? <Spin size="small" /> : <Empty />;
  const { run, steps } = r.data;
  return (
    <div data-testid={`run-steps-${runId}`}>
      <Timeline
        items={[
          ...steps.map((s) => {
            const nt = byType.get(s.nodeType);
            const out = nt?.outputs.find((o) => o.id === s.output);
            return {
              color: s.output ? 'blue' : 'gray',
              children: (
                <div>
                  <NodeLabel words={words(run, s.nodeId, s.nodeType)} nodeId={s.nodeId} />
                  {s.output && <span> → {out ? pick(out.label) : s.output}</span>}
                  <div className="yt-muted">{formatTime(s.at)}</div>
                </div>
              ),
            };
          }),
          ...(run.nextAt && ['waiting', 'running'].includes(run.status)
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
      {run.error && <div className="yt-error-text">{t('runs.error', { error: run.error })}</div>}
      {run.exitReason && <div className="yt-muted">{t('runs.exitReason', { reason: run.exitReason })}</div>}
      {run.temporalUrl && (
        <a href={run.temporalUrl} target="_blank" rel="noreferrer" data-testid={`run-temporal-${runId}`}>
          {t('runs.temporal')}
        </a>
      )}
    </div>
  );
}
