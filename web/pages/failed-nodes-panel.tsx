import WarningOutlined from '@ant-design/icons/es/icons/WarningOutlined';
import { App, Button, Card, Popconfirm, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { JourneyDocument, JourneyStats } from '../api/types';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';

/**
 * Ops fix a cause once and then act on every run it failed: per node with failed runs, 全部重试 / 全部取消,
 * each confirming with the count it will act on. Shown only to roles that may operate runs.
 */
export function FailedNodesPanel({
  journeyId,
  stats,
  document,
  onChanged,
}: {
  journeyId: string;
  stats: JourneyStats;
  document: JourneyDocument | undefined;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { pick } = useLang();
  const { byType } = useCatalog();
  const failed = Object.entries(stats.nodes).filter(([, n]) => n.failed > 0);
  if (!failed.length) return null;
  const nodeName = (id: string) => {
    const type = document?.nodes.find((n) => n.id === id)?.type;
    const info = type ? byType.get(type) : undefined;
    return info ? `${pick(info.title)}（${id}）` : id;
  };
  const act = async (nodeId: string, action: 'cancel' | 'retry') => {
    try {
      const r = await api.bulkRuns({ journeyId, nodeId, action });
      message.success(
        r.remaining > 0
          ? t('runs.bulkRemaining', { acted: r.acted, remaining: r.remaining })
          : t('runs.bulkDone', { acted: r.acted }),
      );
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      onChanged();
    }
  };
  return (
    <Card
      size="small"
      className="yt-mb"
      title={
        <Space size={6}>
          <WarningOutlined style={{ color: 'var(--yt-danger)' }} />
          {t('runs.failedAt')}
        </Space>
      }
      data-testid="failed-nodes"
    >
      <Space direction="vertical" size={6} style={{ width: '100%' }}>
        {failed.map(([nodeId, n]) => {
          const node = nodeName(nodeId);
          return (
            <Space
              key={nodeId}
              wrap
              style={{ justifyContent: 'space-between', width: '100%' }}
              data-testid="failed-node"
            >
              <span>{t('runs.failedAtNode', { node, count: n.failed })}</span>
              <Space size={0}>
                <Popconfirm
                  title={t('runs.retryAllConfirm', { node, count: n.failed })}
                  okText={t('runs.confirm')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => act(nodeId, 'retry')}
                >
                  <Button type="link" size="small" data-testid="bulk-retry">
                    {t('runs.retryAll')}
                  </Button>
                </Popconfirm>
                <Popconfirm
                  title={t('runs.cancelAllConfirm', { node, count: n.failed })}
                  okText={t('runs.cancelAll')}
                  cancelText={t('runs.keepRun')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => act(nodeId, 'cancel')}
                >
                  <Button type="link" size="small" danger data-testid="bulk-cancel">
                    {t('runs.cancelAll')}
                  </Button>
                </Popconfirm>
              </Space>
            </Space>
          );
        })}
      </Space>
    </Card>
  );
}
