import { Empty, Spin, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';

/** One run's path, node by node, with the output each step took and when. */
export function RunSteps({ runId }: { runId: string }) {
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
                  <strong>{nt ? pick(nt.title) : s.nodeType}</strong>{' '}
                  <span className="yt-muted">{s.nodeId}</span>
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
                  children: t('runs.nextAt', { at: formatTime(run.nextAt), node: run.currentNodeId }),
                },
              ]
            : []),
        ]}
      />
      {run.exitReason && <div className="yt-muted">{t('runs.exitReason', { reason: run.exitReason })}</div>}
    </div>
  );
}
