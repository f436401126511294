import { Alert, Empty, List, Space, Spin, Tag, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { MemberMatch, SearchKind } from '../api/types';
import { paths } from '../shell/router';
import { useAsync } from '../shell/use-async';

/** The members one search text found: one opens at once, several are a list, none says what was tried. */
export function MemberSearchResults({ q }: { q: string }) {
  const { t } = useTranslation();
  // one request per search: the text is the key, and this subtree is remounted for a new one
  const found = useAsync(() => api.searchMembers(q), [q]);
  const only = found.data?.members.length === 1 ? found.data.members[0] : null;
  useEffect(() => {
    // replace, not push: Back returns to where the search was made, not to a page that jumps forward again
    if (only) window.location.replace(paths.member(only.externalId, q));
  }, [only, q]);
  const kinds = (list: SearchKind[]) => list.map((k) => t(`member.kind.${k}`)).join('、');

  if (found.error)
    return <Alert type="error" showIcon message={t('member.searchFailed', { error: found.error.message })} />;
  if (!found.data || only)
    return (
      <div className="yt-center-pad">
        <Spin />
      </div>
    );
  const { members, more } = found.data;
  if (!members.length)
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        data-testid="member-no-match"
        description={
          <Space direction="vertical" size={2}>
            <Typography.Text strong>{t('member.noMatch')}</Typography.Text>
            <Typography.Text type="secondary">
              {t('member.noMatchDetail', { q, kinds: kinds(found.data.kinds) })}
            </Typography.Text>
          </Space>
        }
      />
    );
  return (
    <div data-testid="member-results">
      <Typography.Paragraph type="secondary">
        {t('member.results', { count: members.length })}
      </Typography.Paragraph>
      {more && <Alert type="info" showIcon message={t('member.resultsMore')} style={{ marginBottom: 12 }} />}
      <List<MemberMatch>
        bordered
        dataSource={members}
        renderItem={(m) => (
          <List.Item data-testid="member-result">
            <List.Item.Meta
              title={
                <a href={paths.member(m.externalId, q)} data-testid="member-result-link">
                  {m.name ?? m.externalId}
                </a>
              }
              description={
                <Space size={12} wrap>
                  <span className="yt-mono">{m.externalId}</span>
                  {m.phone && <span>{m.phone}</span>}
                  {m.email && <span>{m.email}</span>}
                  <span>
                    {m.matchedBy.map((k) => (
                      <Tag key={k}>{t(`member.kind.${k}`)}</Tag>
                    ))}
                  </span>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </div>
  );
}
