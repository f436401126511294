import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import { Alert, App, Button, Popconfirm, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CouponTemplate } from '../api/types';
import { useCan } from '../auth/session';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';
import { formatTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { CouponFormModal } from './coupon-form';
import { couponErrorText } from './coupon-words';
import { couponsApi } from './coupons-api';

type Filter = 'all' | 'active' | 'stopped';

/**
 * 优惠券: every coupon template with its terms in words (「满 199 减 20」, 「8 折」), validity, issued / redeemed /
 * remaining; marketers create, edit (name, validity, stock top-up) and stop or resume issuing.
 */
export function CouponsPage() {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { message } = App.useApp();
  const canEdit = useCan('coupons.edit');
  const catalog = useCatalog();
  const [filter, setFilter] = useState<Filter>('all');
  const list = useAsync(() => couponsApi.list(filter === 'all' ? undefined : filter), [filter]);
  const [editing, setEditing] = useState<CouponTemplate | 'new' | null>(null);

  const saved = (c: CouponTemplate) => {
    setEditing(null);
    list.reload();
    // the canvas pickers and node summaries read the catalog
    catalog.refresh();
    message.success(t('coupon.saved', { name: c.name }));
  };
  const setStopped = async (c: CouponTemplate, stopped: boolean) => {
    try {
      await couponsApi.setStopped(c.id, stopped);
      list.reload();
      catalog.refresh();
    } catch (e) {
      message.error(couponErrorText(t, e));
    }
  };

  return (
    <div className="yt-page" data-testid="coupons-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('coupon.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('coupon.subtitle')}</Typography.Text>
        </div>
        {canEdit && (
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setEditing('new')}
            data-testid="new-coupon"
          >
            {t('coupon.new')}
          </Button>
        )}
      </div>
      <Segmented<Filter>
        value={filter}
        onChange={setFilter}
        data-testid="coupon-filter"
        style={{ marginBottom: 16 }}
        options={[
          { value: 'all', label: t('coupon.filter.all') },
          { value: 'active', label: t('coupon.filter.active') },
          { value: 'stopped', label: t('coupon.filter.stopped') },
        ]}
      />
      {list.error && (
        <Alert
          type="error"
          showIcon
          title={t('coupon.loadFailed')}
          description={list.error.message}
          action={<Button onClick={list.reload}>{t('coupon.retry')}</Button>}
          style={{ marginBottom: 16 }}
        />
      )}
      <Table<CouponTemplate>
        rowKey="id"
        loading={list.loading && !list.data}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: canEdit ? t('coupon.empty') : t('coupon.emptyReadOnly') }}
        rowClassName={(c) => (c.status === 'stopped' ? 'yt-row-off' : '')}
        data-testid="coupon-table"
        scroll={{ x: 900 }}
        columns={[
          { title: t('coupon.col.name'), dataIndex: 'name', render: (v: string) => <strong>{v}</strong> },
          {
            title: t('coupon.col.terms'),
            key: 'terms',
            render: (_: unknown, c) => (
              <Tag color="magenta" data-testid="coupon-words">
                {c.words[lang]}
              </Tag>
            ),
          },
          {
            title: t('coupon.col.valid'),
            dataIndex: 'validDays',
            render: (d: number) => t('coupon.days', { days: d }),
          },
          { title: t('coupon.col.issued'), dataIndex: 'issued', align: 'right' },
          { title: t('coupon.col.redeemed'), dataIndex: 'redeemed', align: 'right' },
          {
            title: t('coupon.col.remaining'),
            key: 'remaining',
            align: 'right',
            render: (_: unknown, c) =>
              c.remaining === null ? (
                <Typography.Text type="secondary">{t('coupon.unlimited')}</Typography.Text>
              ) : c.remaining === 0 ? (
                <Typography.Text type="danger">{t('coupon.soldOut')}</Typography.Text>
              ) : (
                `${c.remaining} / ${c.stock}`
              ),
          },
          {
            title: t('coupon.col.status'),
            dataIndex: 'status',
            render: (s: CouponTemplate['status']) =>
              s === 'active' ? (
                <Tag color="green">{t('coupon.active')}</Tag>
              ) : (
                <Tag>{t('coupon.stopped')}</Tag>
              ),
          },
          { title: t('coupon.col.created'), dataIndex: 'createdAt', render: formatTime },
          ...(canEdit
            ? [
                {
                  title: t('coupon.col.actions'),
                  key: 'actions',
                  width: 150,
                  render: (_: unknown, c: CouponTemplate) => (
                    <Space>
                      <Button size="small" onClick={() => setEditing(c)} data-testid="coupon-edit">
                        {t('coupon.editShort')}
                      </Button>
                      {c.status === 'active' ? (
                        <Popconfirm
                          title={t('coupon.stopConfirm', { name: c.name })}
                          description={t('coupon.stopHelp')}
                          okText={t('coupon.stop')}
                          onConfirm={() => setStopped(c, true)}
                        >
                          <Button size="small" danger data-testid="coupon-stop">
                            {t('coupon.stop')}
                          </Button>
                        </Popconfirm>
                      ) : (
                        <Button size="small" onClick={() => setStopped(c, false)} data-testid="coupon-resume">
                          {t('coupon.resume')}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
        {t('coupon.redeemHelp')}
      </Typography.Paragraph>
      <CouponFormModal
        open={editing !== null}
        editing={editing === 'new' ? null : editing}
        onClose={() => setEditing(null)}
        onSaved={saved}
      />
    </div>
  );
}
