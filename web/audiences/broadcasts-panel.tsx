import SendOutlined from '@ant-design/icons/es/icons/SendOutlined';
import UploadOutlined from '@ant-design/icons/es/icons/UploadOutlined';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Radio,
  Table,
  Tag,
  Upload,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import type { Broadcast } from '../api/types';
import { useCan } from '../auth/session';
import { SegmentPicker } from '../forms/widgets/segment-picker';
import { useCatalog } from '../shell/catalog';
import { formatTime } from '../shell/format';
import { LoadMore } from '../shell/load-more';
import { usePaged } from '../shell/use-paged';
import { parseMemberIds } from './member-csv';

const POLL_MS = 2000;
const STATUS_COLOR: Record<Broadcast['status'], string> = {
  running: 'processing',
  done: 'success',
  failed: 'error',
  cancelled: 'default',
};

/**
 * 名单 / 群发进入: enter a pasted or uploaded list of member ids, or everyone in an audience, into a published
 * manual-trigger journey — paced by the journey's entry limit — and watch each broadcast's progress.
 */
export function BroadcastsPanel({
  journeyId,
  canEnter,
  onProgress,
}: {
  journeyId: string;
  canEnter: boolean;
  /** called while broadcasts move and when they end: the page refreshes its runs and totals */
  onProgress?(): void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const { segments } = useCatalog();
  const mayPublish = useCan('journeys.publish');
  const list = usePaged((page) => api.broadcasts({ journeyId, ...page }), [journeyId]);
  const [open, setOpen] = useState(false);
  const running = list.items.some((b) => b.status === 'running');
  const reloadRef = useRef(() => {});
  reloadRef.current = () => {
    list.reload();
    onProgress?.();
  };
  // progress moves on its own while a broadcast runs: poll until none does, and once more as it ends
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => reloadRef.current(), POLL_MS);
    return () => {
      clearInterval(timer);
      reloadRef.current();
    };
  }, [running]);

  const cancel = async (b: Broadcast) => {
    try {
      await api.cancelBroadcast(b.id);
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const sourceText = (b: Broadcast) => {
    const src = b.source;
    if (src.kind === 'list') return t('broadcast.fromList', { count: src.count });
    return t('broadcast.fromSegment', { name: segments.find((s) => s.id === src.segmentId)?.name ?? '—' });
  };

  return (
    <Card
      size="small"
      title={t('broadcast.title')}
      className="yt-broadcasts"
      data-testid="broadcasts"
      extra={
        mayPublish && (
          <Button
            type="primary"
            icon={<SendOutlined />}
            disabled={!canEnter}
            onClick={() => setOpen(true)}
            data-testid="broadcast-open"
          >
            {t('broadcast.enter')}
          </Button>
        )
      }
    >
      {!canEnter && <div className="yt-muted">{t('broadcast.notManual')}</div>}
      <Table<Broadcast>
        size="small"
        rowKey="id"
        dataSource={list.items}
        loading={list.loading && !list.loaded}
        pagination={false}
        locale={{ emptyText: t('broadcast.empty') }}
        data-testid="broadcasts-table"
        columns={[
          { title: t('broadcast.col.created'), dataIndex: 'createdAt', width: 150, render: formatTime },
          { title: t('broadcast.col.source'), render: (_, b) => sourceText(b) },
          {
            title: t('broadcast.col.progress'),
            width: 260,
            render: (_, b) => (
              <div data-testid="broadcast-progress">
                <Progress
                  size="small"
                  percent={b.total ? Math.round(((b.entered + b.skipped) / b.total) * 100) : 100}
                  status={b.status === 'failed' ? 'exception' : b.status === 'running' ? 'active' : undefined}
                />
                <span className="yt-muted">
                  {t('broadcast.progress', { entered: b.entered, skipped: b.skipped, total: b.total })}
                </span>
              </div>
            ),
          },
          {
            title: t('broadcast.col.pace'),
            dataIndex: 'perMinute',
            width: 110,
            render: (n: number) => t('broadcast.perMinute', { n }),
          },
          {
            title: t('broadcast.col.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: Broadcast['status'], b) => (
              <Tag color={STATUS_COLOR[s]} title={b.error ?? undefined} data-testid="broadcast-status">
                {t(`broadcast.status.${s}`)}
              </Tag>
            ),
          },
          {
            title: '',
            width: 80,
            render: (_, b) =>
              b.status === 'running' &&
              mayPublish && (
                <Button
                  size="small"
                  type="link"
                  danger
                  onClick={() =>
                    modal.confirm({ title: t('broadcast.cancelConfirm'), onOk: () => cancel(b) })
                  }
                >
                  {t('broadcast.cancel')}
                </Button>
              ),
          },
        ]}
      />
      <LoadMore list={list} />
      <EnterModal
        journeyId={journeyId}
        open={open}
        onClose={(started) => {
          setOpen(false);
          if (started) list.reload();
        }}
      />
    </Card>
  );
}

function EnterModal({
  journeyId,
  open,
  onClose,
}: {
  journeyId: string;
  open: boolean;
  onClose(started: boolean): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [mode, setMode] = useState<'list' | 'segment'>('list');
  const [text, setText] = useState('');
  const [segmentId, setSegmentId] = useState<string>();
  const [perMinute, setPerMinute] = useState<number | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = parseMemberIds(text);
  const ready = mode === 'list' ? ids.length > 0 && ids.length <= 100_000 : !!segmentId;

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.enterJourney(
        journeyId,
        mode === 'list' ? { memberIds: ids, perMinute } : { segmentId, perMinute },
      );
      if (r.unknownCount)
        message.warning(
          t('broadcast.unknown', { count: r.unknownCount, ids: r.unknownMemberIds.slice(0, 5).join('、') }),
        );
      message.success(t('broadcast.started', { total: r.broadcast.total }));
      setText('');
      onClose(true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('broadcast.enter')}
      onCancel={() => onClose(false)}
      onOk={submit}
      okText={t('broadcast.start')}
      okButtonProps={{ disabled: !ready, loading: busy, 'data-testid': 'broadcast-start' } as never}
      destroyOnHidden
    >
      <Form layout="vertical" component="div">
        <Form.Item>
          <Radio.Group
            value={mode}
            onChange={(e) => setMode(e.target.value)}
            options={[
              { value: 'list', label: t('broadcast.modeList') },
              { value: 'segment', label: t('broadcast.modeSegment') },
            ]}
            data-testid="broadcast-mode"
          />
        </Form.Item>
        {mode === 'list' ? (
          <Form.Item label={t('broadcast.ids')} extra={t('broadcast.idsCount', { count: ids.length })}>
            <Input.TextArea
              value={text}
              onChange={(e) => setText(e.target.value)}
              autoSize={{ minRows: 4, maxRows: 10 }}
              placeholder={t('broadcast.idsPlaceholder')}
              data-testid="broadcast-ids"
            />
            <Upload
              accept=".csv,.txt,text/csv,text/plain"
              showUploadList={false}
              beforeUpload={async (f) => {
                setText(await f.text());
                return false;
              }}
            >
              <Button size="small" icon={<UploadOutlined />} style={{ marginTop: 8 }}>
                {t('broadcast.upload')}
              </Button>
            </Upload>
          </Form.Item>
        ) : (
          <Form.Item label={t('broadcast.segment')}>
            <SegmentPicker value={segmentId} onChange={setSegmentId} testId="broadcast-segment" />
          </Form.Item>
        )}
        <Form.Item label={t('broadcast.pace')} extra={t('broadcast.paceHint')}>
          <InputNumber
            min={1}
            max={100000}
            value={perMinute}
            onChange={(v) => setPerMinute(v ?? undefined)}
          />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} />}
      </Form>
    </Modal>
  );
}
