import { Button } from 'antd';
import { useTranslation } from 'react-i18next';

/** Below a list: loads the next page while there is one. */
export function LoadMore({ list }: { list: { hasMore: boolean; loadingMore: boolean; loadMore(): void } }) {
  const { t } = useTranslation();
  if (!list.hasMore) return null;
  return (
    <div className="yt-load-more">
      <Button onClick={list.loadMore} loading={list.loadingMore} data-testid="load-more">
        {t('common.loadMore')}
      </Button>
    </div>
  );
}
