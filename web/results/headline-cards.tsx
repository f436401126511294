import { Card, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JourneyResults } from '../api/results-types';
import { count, liftSentence, percent, revenueLiftSentence, yuan } from './words';

/** The six headline figures: entered, converted, rate, revenue, per member, and lift over the holdout in words. */
export function HeadlineCards({ results }: { results: JourneyResults }) {
  const { t } = useTranslation();
  const { totals, holdout, lift } = results;
  const figures = [
    { key: 'entered', value: count(totals.entered) },
    { key: 'converted', value: count(totals.converted) },
    { key: 'rate', value: percent(totals.conversionRate) },
    { key: 'revenue', value: yuan(totals.revenueFen) },
    { key: 'perMember', value: yuan(totals.revenuePerMemberFen) },
  ];
  return (
    <div className="yt-results__cards">
      {figures.map((f) => (
        <Card size="small" key={f.key} className="yt-results__card" data-testid={`card-${f.key}`}>
          <div className="yt-results__card-label">{t(`results.card.${f.key}`)}</div>
          <div className="yt-results__card-value">{f.value}</div>
        </Card>
      ))}
      <Card size="small" className="yt-results__card yt-results__card--lift" data-testid="card-lift">
        <div className="yt-results__card-label">{t('results.card.lift')}</div>
        {'unavailable' in lift ? (
          <Typography.Text type="secondary" data-testid="lift-unavailable" data-reason={lift.unavailable}>
            {t(`results.lift.unavailable.${lift.unavailable}`, { holdout: holdout?.entered ?? 0 })}
          </Typography.Text>
        ) : (
          <>
            <div className="yt-results__card-value">
              {t('results.lift.points', {
                value: `${lift.rate.diffPoints > 0 ? '+' : lift.rate.diffPoints < 0 ? '−' : ''}${Math.abs(lift.rate.diffPoints).toFixed(1)}`,
              })}
              <Tag color={lift.rate.significant ? 'green' : 'default'} className="yt-results__sig">
                {t(lift.rate.significant ? 'results.lift.significant' : 'results.lift.notSignificant')}
              </Tag>
            </div>
            <div className="yt-results__sentence" data-testid="lift-sentence">
              {liftSentence(t, lift.rate)}
            </div>
            {lift.revenuePerMember && (
              <div className="yt-results__sentence" data-testid="revenue-lift-sentence">
                {revenueLiftSentence(t, lift.revenuePerMember)}
              </div>
            )}
            {holdout && (
              <div className="yt-muted">
                {t('results.lift.holdoutLine', {
                  entered: count(holdout.entered),
                  rate: percent(holdout.conversionRate),
                  perMember: yuan(holdout.revenuePerMemberFen),
                })}
              </div>
            )}
          </>
        )}
      </Card>
    </div>
  );
}
