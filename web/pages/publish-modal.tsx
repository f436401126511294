import type { ButtonProps } from 'antd';
import { Alert, Descriptions, Input, List, Modal, Skeleton, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { JourneyDetail, Problem, PublishSummary } from '../api/types';
import { problemText } from '../canvas/problem-text';
import { useLang } from '../i18n';
import { useCatalog } from '../shell/catalog';

type Loaded =
  | { state: 'loading' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; summary: PublishSummary | null; problems: Problem[] };

/**
 * Publishing makes a new immutable version; running members keep the version they started on. Before the
 * marketer confirms, the server says what the version would do: the trigger, who can enter now, every channel
 * and whether it is live or still the sandbox, and anything publishing would refuse (then there is no 发布).
 */
export function PublishModal({
  open,
  journey,
  nodeData,
  onCancel,
  onPublish,
}: {
  open: boolean;
  journey: JourneyDetail;
  /** a node of the draft, for naming problems in words */
  nodeData(id: string): { type: string; data: Record<string, unknown> } | undefined;
  onCancel(): void;
  onPublish(note: string): Promise<void>;
}) {
  const { t } = useTranslation();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const next = (journey.currentVersion ?? 0) + 1;

  useEffect(() => {
    if (!open) return;
    let live = true;
    setLoaded({ state: 'loading' });
    api
      .publishSummary(journey.id)
      .then((r) => live && setLoaded({ state: 'ready', ...r }))
      .catch(
        (e: Error) =>
          live && setLoaded({ state: 'failed', message: e instanceof ApiError ? e.message : String(e) }),
      );
    return () => {
      live = false;
    };
  }, [open, journey.id]);

  const refused = loaded.state === 'ready' && (loaded.problems.length > 0 || !loaded.summary);
  return (
    <Modal
      open={open}
      title={t('publish.title', { version: next })}
      okText={t('publish.ok')}
      onCancel={onCancel}
      confirmLoading={busy}
      destroyOnHidden
      width={560}
      okButtonProps={
        { 'data-testid': 'publish-confirm', disabled: loaded.state !== 'ready' || refused } as ButtonProps
      }
      onOk={async () => {
        setBusy(true);
        try {
          await onPublish(note.trim());
          setNote('');
        } finally {
          setBusy(false);
        }
      }}
    >
      <div data-testid="publish-summary" data-state={loaded.state}>
        {loaded.state === 'loading' && <Skeleton active paragraph={{ rows: 4 }} />}
        {loaded.state === 'failed' && (
          <Alert type="error" showIcon title={t('publish.summaryFailed')} description={loaded.message} />
        )}
        {loaded.state === 'ready' && loaded.summary && <SummaryView summary={loaded.summary} />}
        {loaded.state === 'ready' && loaded.problems.length > 0 && (
          <ProblemList problems={loaded.problems} nodeData={nodeData} />
        )}
      </div>
      {journey.currentVersion !== null && (
        <Alert
          type="info"
          showIcon
          className="yt-mb"
          title={t('publish.runningKeep', { version: journey.currentVersion })}
        />
      )}
      <Input.TextArea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={t('publish.notePlaceholder')}
        autoSize={{ minRows: 2, maxRows: 5 }}
        maxLength={200}
        data-testid="publish-note"
      />
    </Modal>
  );
}

function SummaryView({ summary }: { summary: PublishSummary }) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { trigger } = summary;
  const eventWords = (name: string) => {
    const label = t(`events.${name}`, { defaultValue: '' });
    return label ? t('events.named', { event: label, name }) : name;
  };
  const triggerText =
    trigger.kind === 'event' && trigger.event
      ? t('publish.trigger.event', { event: eventWords(trigger.event) })
      : trigger.kind === 'segment' && trigger.segment
        ? t('publish.trigger.segment', { name: trigger.segment.name ?? t('publish.deletedAudience') })
        : t(`publish.trigger.${trigger.kind}`, { defaultValue: trigger.kind });
  const who =
    trigger.kind === 'segment' && trigger.segment
      ? trigger.includeExisting
        ? t('publish.who.segmentNow', { count: trigger.segment.members })
        : t('publish.who.segmentLater', { count: trigger.segment.members })
      : trigger.kind === 'event' && trigger.event
        ? t('publish.who.event', { count: summary.members, event: eventWords(trigger.event) })
        : t(`publish.who.${trigger.kind}`, { count: summary.members, defaultValue: '' });
  const sandbox = summary.channels.filter((c) => c.mode === 'sandbox');
  return (
    <>
      <Descriptions
        column={1}
        size="small"
        bordered
        className="yt-mb"
        items={[
          {
            key: 'trigger',
            label: t('publish.triggerLabel'),
            children: <span data-testid="publish-trigger">{triggerText}</span>,
          },
          {
            key: 'who',
            label: t('publish.whoLabel'),
            children: <span data-testid="publish-who">{who}</span>,
          },
          {
            key: 'channels',
            label: t('publish.channelsLabel'),
            children:
              summary.channels.length === 0 ? (
                <span className="yt-muted">{t('publish.noChannels')}</span>
              ) : (
                <div className="yt-publish-channels">
                  {summary.channels.map((c) => (
                    <div key={c.channel} data-testid={`publish-channel-${c.channel}`} data-mode={c.mode}>
                      {c.label[lang]}{' '}
                      <Tag color={c.mode === 'live' ? 'green' : 'orange'}>{t(`publish.mode.${c.mode}`)}</Tag>
                      <span className="yt-muted">{t('publish.nodeCount', { count: c.nodeIds.length })}</span>
                    </div>
                  ))}
                </div>
              ),
          },
        ]}
      />
      {sandbox.length > 0 && (
        <Alert
          type="warning"
          showIcon
          className="yt-mb"
          data-testid="publish-sandbox-warning"
          title={t('publish.sandboxWarning', {
            channels: sandbox.map((c) => c.label[lang]).join(lang === 'zh' ? '、' : ', '),
          })}
        />
      )}
    </>
  );
}

function ProblemList({
  problems,
  nodeData,
}: {
  problems: Problem[];
  nodeData(id: string): { type: string; data: Record<string, unknown> } | undefined;
}) {
  const { t } = useTranslation();
  const { lang } = useLang();
  const { byType } = useCatalog();
  return (
    <Alert
      type="error"
      showIcon
      className="yt-mb"
      data-testid="publish-refused"
      title={t('publish.refused', { count: problems.length })}
      description={
        <List
          size="small"
          dataSource={problems}
          renderItem={(p) => {
            const node = p.nodeId ? nodeData(p.nodeId) : undefined;
            const type = node ? byType.get(node.type) : undefined;
            return (
              <List.Item data-testid={`publish-problem-${p.nodeId}`}>
                <Typography.Text>
                  {type ? `${type.title[lang]}${lang === 'zh' ? '：' : ': '}` : ''}
                  {problemText(t, lang, p, type, node?.data)}
                </Typography.Text>
              </List.Item>
            );
          }}
        />
      }
    />
  );
}
