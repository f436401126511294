import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, type ButtonProps, Card, Empty, Input, Modal, Spin, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authApi } from '../auth/auth-api';
import { useSession } from '../auth/session';
import { formatShortTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { type GuideTask, guidesApi } from './guides-api';

type View = 'open' | 'overdue' | 'done';

/**
 * The shopping guide's workbench (#/guide), made for a phone: today's tasks (open, soonest due first),
 * overdue ones and done ones; each card shows the member's basic profile, the script and the due time,
 * and "完成" marks the task done with a note — the journey run waiting on it goes on along `done`.
 */
export function GuideWorkbenchPage() {
  const { t } = useTranslation();
  const { session, reload: reloadSession } = useSession();
  const [view, setView] = useState<View>('open');
  const [completing, setCompleting] = useState<GuideTask | null>(null);
  const list = useAsync(
    () =>
      guidesApi
        .tasks(view === 'overdue' ? { overdue: true } : { status: view })
        .then((tasks) =>
          view === 'open' ? [...tasks].sort((a, b) => a.dueAt.localeCompare(b.dueAt)) : tasks,
        ),
    [view],
  );
  const tasks = list.data ?? [];

  const signOut = async () => {
    await authApi.signOut().catch(() => {});
    await reloadSession();
  };

  return (
    <div className="yt-guide" data-testid="guide-workbench">
      <header className="yt-guide__head">
        <div>
          <div className="yt-guide__title">{t('guide.title')}</div>
          <div className="yt-guide__who">{session.user?.name || session.user?.email}</div>
        </div>
        <div className="yt-guide__actions">
          <Button
            size="small"
            icon={<ReloadOutlined />}
            onClick={list.reload}
            aria-label={t('guide.refresh')}
            data-testid="guide-refresh"
          />
          <Button size="small" onClick={() => void signOut()} data-testid="sign-out">
            {t('auth.signOut')}
          </Button>
        </div>
      </header>
      <Tabs
        activeKey={view}
        onChange={(k) => setView(k as View)}
        centered
        items={(['open', 'overdue', 'done'] as const).map((k) => ({
          key: k,
          label: <span data-testid={`guide-tab-${k}`}>{t(`guide.tab.${k}`)}</span>,
        }))}
      />
      <div className="yt-guide__list">
        {list.loading && !list.data ? (
          <div className="yt-center">
            <Spin />
          </div>
        ) : tasks.length === 0 ? (
          <Empty description={t(`guide.empty.${view}`)} />
        ) : (
          tasks.map((task) => <TaskCard key={task.id} task={task} onComplete={() => setCompleting(task)} />)
        )}
      </div>
      <CompleteModal
        task={completing}
        onClose={() => setCompleting(null)}
        onDone={() => {
          setCompleting(null);
          list.reload();
        }}
      />
    </div>
  );
}

function TaskCard({ task, onComplete }: { task: GuideTask; onComplete(): void }) {
  const { t } = useTranslation();
  const color = task.status === 'done' ? 'green' : task.status === 'overdue' ? 'red' : 'blue';
  return (
    <Card size="small" className="yt-guide__card" data-testid="guide-task" data-task-id={task.id}>
      <div className="yt-guide__card-head">
        <Typography.Text strong className="yt-guide__task-title">
          {task.title}
        </Typography.Text>
        <Tag color={color}>{t(`guide.status.${task.status}`)}</Tag>
      </div>
      <div className="yt-guide__member" data-testid="guide-task-member">
        <span className="yt-guide__member-name">{task.member.name ?? task.member.externalId}</span>
        {task.member.phone && <span className="yt-muted">{task.member.phone}</span>}
        {task.member.tags.slice(0, 4).map((tag) => (
          <Tag key={tag} bordered={false}>
            {tag}
          </Tag>
        ))}
      </div>
      {task.script && (
        <div className="yt-guide__script" data-testid="guide-task-script">
          <div className="yt-muted">{t('guide.script')}</div>
          {task.script}
        </div>
      )}
      {task.coupon && (
        <div className="yt-guide__coupon" data-testid="guide-task-coupon">
          <Tag color="magenta">{t('guide.coupon', { name: task.coupon.name ?? '—' })}</Tag>
        </div>
      )}
      <div className="yt-guide__meta">
        <span data-testid="guide-task-due">{t('guide.due', { at: formatShortTime(task.dueAt) })}</span>
        {task.journeyName && <span className="yt-muted">{task.journeyName}</span>}
      </div>
      {task.status === 'done' && (
        <div className="yt-guide__note">
          {t('guide.doneAt', { at: formatShortTime(task.doneAt) })}
          {task.note ? ` · ${task.note}` : ''}
        </div>
      )}
      {task.status === 'open' && (
        <Button
          type="primary"
          block
          icon={<CheckOutlined />}
          onClick={onComplete}
          className="yt-guide__done"
          data-testid="guide-task-complete"
        >
          {t('guide.complete')}
        </Button>
      )}
    </Card>
  );
}

function CompleteModal({
  task,
  onClose,
  onDone,
}: {
  task: GuideTask | null;
  onClose(): void;
  onDone(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    if (!task) return;
    setSaving(true);
    try {
      await guidesApi.complete(task.id, note);
      message.success(t('guide.completed'));
      setNote('');
      onDone();
    } catch (e) {
      message.error(
        e instanceof ApiError && e.code === 'conflict'
          ? t('guide.tooLate')
          : e instanceof ApiError && e.code === 'not_found'
            ? t('guide.gone')
            : t('guide.failed'),
      );
      if (e instanceof ApiError && (e.code === 'conflict' || e.code === 'not_found')) onDone();
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={!!task}
      title={task?.title}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('guide.confirm')}
      cancelText={t('guide.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'guide-complete-confirm' } as ButtonProps}
      destroyOnHidden
      width={360}
    >
      <Input.TextArea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder={t('guide.notePlaceholder')}
        maxLength={1000}
        autoSize={{ minRows: 3, maxRows: 6 }}
        data-testid="guide-complete-note"
      />
    </Modal>
  );
}
