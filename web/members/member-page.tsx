import { Empty, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate, paths } from '../shell/router';
import { MemberDetail } from './member-detail';
import { MemberSearchResults } from './member-search-results';

/**
 * Ops find any member: one box (id, phone or its last 4, name, openid); several matches are a list, one
 * opens the member. Each member and each search is its own keyed subtree, so nothing of the previous one
 * can stay on screen under the new URL.
 */
export function MemberPage({ externalId, q }: { externalId?: string; q?: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState(q ?? externalId ?? '');
  useEffect(() => setText(q ?? externalId ?? ''), [q, externalId]);
  return (
    <div className="yt-page">
      <div className="yt-page__head">
        <Typography.Title level={3}>{t('member.title')}</Typography.Title>
        <Input.Search
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('member.searchPlaceholder')}
          enterButton={t('member.search')}
          onSearch={(v) => v.trim() && navigate(paths.memberSearch(v.trim()))}
          className="yt-member-search"
          allowClear
          data-testid="member-search"
        />
      </div>
      {externalId ? (
        <MemberDetail key={externalId} externalId={externalId} />
      ) : q ? (
        <MemberSearchResults key={q} q={q} />
      ) : (
        <Empty description={t('member.hint')} />
      )}
    </div>
  );
}
