import CheckOutlined from '@ant-design/icons/es/icons/CheckOutlined';
import CopyOutlined from '@ant-design/icons/es/icons/CopyOutlined';
import ReloadOutlined from '@ant-design/icons/es/icons/ReloadOutlined';
import { App, Button, type ButtonProps, Empty, Input, Modal, Segmented, Spin, Tag } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { authApi } from '../auth/auth-api';
import { useSession } from '../auth/session';
import { formatShortTime } from '../shell/format';
import { useAsync } from '../shell/use-async';
import { copyText, inWecom } from './copy-text';
import { type GuideTask, guidesApi } from './guides-api';

type View = 'open' | 'overdue' | 'done';

/**
 * The shopping guide's workbench (#/guide), made for a phone: today's tasks (open, soonest due first),
 * overdue ones and done ones; each card shows the member's basic profile, the script and the due time,
 * and "完成" marks the task done with a note — the journey run waiting on it goes on along `done`.
 *
 * What a guide opens on a phone first thing, often on 4G: it takes only light parts of Ant Design (a segmented
 * control, not tabs with their overflow menus; plain cards; no Typography), and its chunk comes without the console's
 * (npm run bench:bundle prints its weight, the guide-phone e2e its time).
 */
export function GuideWorkbenchPage() {
  const { t } = useTranslation();
  const { session, reload: reloadSession } = useSession();
  const [view, setView] = useState<View>('open');
  const [completing, setCompleting] = useState<GuideTask | null>(null);
  const list = useAsync(
    () =>
      guidesApi.tasks(view === 'overdue' ? { overdue: true } : { status: view }).then((tasks) => ({
        view,
        tasks: view === 'open' ? [...tasks].sort((a, b) => a.dueAt.localeCompare(b.dueAt)) : tasks,
      })),
    [view],
  );
  // the tasks of the view on screen only: another tab's list never shows under this one while it loads
  const tasks = list.data?.view === view ? list.data.tasks : null;

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
      <div className="yt-guide__views">
        <Segmented
          block
          value={view}
          onChange={(k) => setView(k as View)}
          options={(['open', 'overdue', 'done'] as const).map((k) => ({
            value: k,
            label: <span data-testid={`guide-tab-${k}`}>{t(`guide.tab.${k}`)}</span>,
          }))}
        />
      </div>
      <div className="yt-guide__list">
        {tasks === null && list.error && !list.loading ? (
          <Empty description={t('guide.loadFailed')} data-testid="guide-load-failed">
            <Button onClick={list.reload}>{t('guide.retry')}</Button>
          </Empty>
        ) : tasks === null ? (
          <div className="yt-center" data-testid="guide-loading">
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
    // a plain card: antd's Card brings Tabs, their menus and dropdowns (some 20 KB gzip) for nothing here
    <article className="yt-guide__card" data-testid="guide-task" data-task-id={task.id}>
      <div className="yt-guide__card-head">
        <strong className="yt-guide__task-title">{task.title}</strong>
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
      {task.script && <Script text={task.script} />}
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
    </article>
  );
}

/**
 * The script, filled in with the member's data by the server, and a button that copies it: the guide pastes it
 * into the member's chat in WeCom. Where the browser lets nothing copy, the text is selected to long-press.
 */
function Script({ text }: { text: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [copied, setCopied] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const copy = async () => {
    if (await copyText(text)) {
      setCopied(true);
      message.success(t(inWecom() ? 'guide.copiedWecom' : 'guide.copied'));
      return;
    }
    const body = box.current;
    if (body) window.getSelection()?.selectAllChildren(body);
    message.info(t('guide.copyManually'));
  };
  return (
    <div className="yt-guide__script" data-testid="guide-task-script">
      <div className="yt-guide__script-head">
        <span className="yt-muted">{t('guide.script')}</span>
        <Button
          size="small"
          type={copied ? 'default' : 'primary'}
          ghost={!copied}
          icon={copied ? <CheckOutlined /> : <CopyOutlined />}
          onClick={() => void copy()}
          data-testid="guide-task-copy"
          data-copied={copied || undefined}
        >
          {t(copied ? 'guide.copiedShort' : 'guide.copy')}
        </Button>
      </div>
      <div ref={box} className="yt-guide__script-text" data-testid="guide-task-script-text">
        {text}
      </div>
    </div>
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
