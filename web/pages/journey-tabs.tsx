import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { navigate, paths } from '../shell/router';

type Tab = 'canvas' | 'runs' | 'results';

/** The journey's pages side by side: 画布 · 运行记录 · 效果. */
export function JourneyTabs({ journeyId, active }: { journeyId: string; active: Tab }) {
  const { t } = useTranslation();
  const href: Record<Tab, string> = {
    canvas: paths.editor(journeyId),
    runs: paths.journeyRuns(journeyId),
    results: paths.journeyResults(journeyId),
  };
  return (
    <Segmented<Tab>
      data-testid="journey-tabs"
      value={active}
      onChange={(tab) => navigate(href[tab])}
      options={(['canvas', 'runs', 'results'] as const).map((tab) => ({
        value: tab,
        label: <span data-testid={`tab-${tab}`}>{t(`results.tabs.${tab}`)}</span>,
      }))}
    />
  );
}
