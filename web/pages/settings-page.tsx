import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import {
  Alert,
  App,
  Button,
  Card,
  ConfigProvider,
  InputNumber,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { WorkspaceSettings } from '../api/types';
import { useCan } from '../auth/session';
import { TimeInput } from '../forms/widgets/time-input';
import { TimezoneSelect } from '../forms/widgets/timezone-select';
import { useLang } from '../i18n';
import { ChannelsCard } from '../settings/channels-card';
import { PersonalDataCard } from '../settings/personal-data-card';
import { SecretsCard } from '../settings/secrets-card';
import { settingsErrors } from '../settings/settings-errors';
import { useCatalog } from '../shell/catalog';
import { useAsync } from '../shell/use-async';

type Cap = WorkspaceSettings['frequencyCaps'][number];
type CapChannel = Cap['channel'];

/** Every channel a cap can name; `satisfies` keeps the list equal to the engine's. */
const CAP_CHANNELS = Object.keys({
  all: true,
  sms: true,
  wechat: true,
  wecom: true,
  email: true,
  push: true,
} satisfies Record<CapChannel, true>) as CapChannel[];

/** The workspace's own recommendation for member-local quiet hours. */
const RECOMMENDED_QUIET = { start: '21:00', end: '09:00' };

/**
 * 设置: the rules every journey follows — the default time zone, quiet hours and frequency caps — and which
 * member attributes are personal data.
 * The server checks the rules (422 naming each field); the page marks the field it names.
 */
export function SettingsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const loaded = useAsync(() => api.settings(), []);
  const [saved, setSaved] = useState<WorkspaceSettings | null>(null);
  const [draft, setDraft] = useState<WorkspaceSettings | null>(null);
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const [saving, setSaving] = useState(false);
  // only admins change the workspace's rules; everyone else reads them
  const canEdit = useCan('settings.edit');

  useEffect(() => {
    if (loaded.data && !saved) {
      setSaved(loaded.data);
      setDraft(loaded.data);
    }
  }, [loaded.data, saved]);

  if (!draft || !saved)
    return (
      <div className="yt-page">
        {loaded.error ? (
          <Alert type="error" title={t('settings.loadError', { message: loaded.error.message })} />
        ) : (
          <Spin />
        )}
      </div>
    );

  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  /** An edit clears the error of the field it touches; the server has the last word on save. */
  const edit = (next: WorkspaceSettings, ...fields: string[]) => {
    setDraft(next);
    if (fields.some((f) => errors.has(f)))
      setErrors((m) => new Map([...m].filter(([k]) => !fields.includes(k))));
  };
  const save = async () => {
    setSaving(true);
    try {
      const next = await api.saveSettings(draft);
      setSaved(next);
      setDraft(next);
      setErrors(new Map());
      message.success(t('settings.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.status === 422) {
        const byField = settingsErrors(e.issues ?? [{ field: e.field ?? '', message: e.message }], t);
        setErrors(byField);
        message.error(t('settings.invalid', { count: byField.size }));
      } else message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="yt-page yt-settings" data-testid="settings-page">
      <div className="yt-page__head">
        <div>
          <Typography.Title level={3}>{t('settings.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('settings.subtitle')}</Typography.Text>
        </div>
        {canEdit ? (
          <Space>
            {dirty && <Tag color="gold">{t('settings.unsaved')}</Tag>}
            <Button
              type="primary"
              onClick={save}
              loading={saving}
              disabled={!dirty}
              data-testid="settings-save"
            >
              {t('settings.save')}
            </Button>
          </Space>
        ) : (
          <Tag data-testid="settings-readonly">{t('settings.readOnly')}</Tag>
        )}
      </div>
      <ConfigProvider componentDisabled={!canEdit}>
        <Card size="small" title={t('settings.timezone')} className="yt-settings__card">
          <Typography.Paragraph type="secondary">{t('settings.timezoneHelp')}</Typography.Paragraph>
          <div className="yt-settings__field" style={{ maxWidth: 420 }}>
            <TimezoneSelect
              value={draft.timezone}
              onChange={(tz) => edit({ ...draft, timezone: tz ?? '' }, 'timezone')}
              status={errors.has('timezone') ? 'error' : undefined}
              testId="settings-timezone"
            />
            <FieldError text={errors.get('timezone')} testId="settings-error-timezone" />
          </div>
        </Card>

        <Card size="small" title={t('settings.quietHours')} className="yt-settings__card">
          <Typography.Paragraph type="secondary">{t('settings.quietHoursHelp')}</Typography.Paragraph>
          {draft.quietHours ? (
            <div className="yt-settings__field">
              <Space align="center" wrap>
                <span>{t('settings.start')}</span>
                <TimeInput
                  value={draft.quietHours.start}
                  onChange={(start) =>
                    edit(
                      { ...draft, quietHours: { ...draft.quietHours!, start } },
                      'quietHours.start',
                      'quietHours.end',
                    )
                  }
                  status={errors.has('quietHours.start') ? 'error' : undefined}
                  testId="settings-quiet-start"
                />
                <span>{t('settings.end')}</span>
                <TimeInput
                  value={draft.quietHours.end}
                  onChange={(end) =>
                    edit(
                      { ...draft, quietHours: { ...draft.quietHours!, end } },
                      'quietHours.start',
                      'quietHours.end',
                    )
                  }
                  status={errors.has('quietHours.end') ? 'error' : undefined}
                  testId="settings-quiet-end"
                />
                <Button
                  type="link"
                  onClick={() => edit({ ...draft, quietHours: null }, 'quietHours.start', 'quietHours.end')}
                  data-testid="settings-quiet-clear"
                >
                  {t('settings.clearQuietHours')}
                </Button>
              </Space>
              <FieldError
                text={errors.get('quietHours.start') ?? errors.get('quietHours.end')}
                testId="settings-error-quietHours"
              />
            </div>
          ) : (
            <Space>
              <Tag data-testid="settings-quiet-unset">{t('settings.notSet')}</Tag>
              <Button
                onClick={() => edit({ ...draft, quietHours: { ...RECOMMENDED_QUIET } })}
                data-testid="settings-quiet-recommended"
              >
                {t('settings.useRecommended')}
              </Button>
            </Space>
          )}
        </Card>

        <Card size="small" title={t('settings.caps')} className="yt-settings__card">
          <Typography.Paragraph type="secondary">{t('settings.capsHelp')}</Typography.Paragraph>
          <CapsTable
            caps={draft.frequencyCaps}
            errors={errors}
            onChange={(frequencyCaps, ...fields) => edit({ ...draft, frequencyCaps }, ...fields)}
          />
          <FieldError text={errors.get('frequencyCaps')} testId="settings-error-frequencyCaps" />
        </Card>

        <Card size="small" title={t('settings.outbound')} className="yt-settings__card">
          <Typography.Paragraph type="secondary">{t('settings.outboundHelp')}</Typography.Paragraph>
          <Switch
            checked={draft.allowPrivateAddresses === true}
            // both names, equal: the server takes the one that changed (the old name is kept for old clients)
            onChange={(allow) =>
              edit(
                { ...draft, allowPrivateAddresses: allow, allowPrivateWebhooks: allow },
                'allowPrivateAddresses',
              )
            }
            data-testid="settings-allow-private-addresses"
          />{' '}
          {t('settings.allowPrivateAddresses')}
        </Card>
        <Card size="small" title={t('settings.wecomQuota')} className="yt-settings__card">
          <Typography.Paragraph type="secondary">{t('settings.wecomQuotaHelp')}</Typography.Paragraph>
          <Space>
            <InputNumber
              min={1}
              max={100}
              precision={0}
              // left out: the platform's 4; cleared: no budget
              value={draft.wecomMonthlyQuota === undefined ? 4 : draft.wecomMonthlyQuota}
              onChange={(v) => edit({ ...draft, wecomMonthlyQuota: v ?? null }, 'wecomMonthlyQuota')}
              data-testid="settings-wecom-quota"
            />
            <span>{t('settings.wecomQuotaUnit')}</span>
          </Space>
          <FieldError text={errors.get('wecomMonthlyQuota')} testId="settings-error-wecomMonthlyQuota" />
        </Card>
        <PersonalDataCard
          value={draft.personalAttributes}
          onChange={(personalAttributes) =>
            edit(
              { ...draft, personalAttributes },
              'personalAttributes',
              ...draft.personalAttributes.map((_, i) => `personalAttributes.${i}`),
            )
          }
          error={[...errors].find(([f]) => f.startsWith('personalAttributes'))?.[1]}
        />
        <ChannelsCard />
        <SecretsCard />
      </ConfigProvider>
    </div>
  );
}

function FieldError({ text, testId }: { text?: string; testId: string }) {
  if (!text) return null;
  return (
    <div className="yt-error-text yt-settings__error" data-testid={testId}>
      {text}
    </div>
  );
}

/** Frequency caps, one per row: on this channel, at most N messages every D days (all journeys together). */
function CapsTable({
  caps,
  errors,
  onChange,
}: {
  caps: Cap[];
  errors: Map<string, string>;
  onChange(caps: Cap[], ...fields: string[]): void;
}) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const { byType } = useCatalog();
  // channel names as the message node's schema gives them (the engine's words), else the shared ones
  const channelWords = byType.get('message')?.configSchema.properties?.channel?.['x-enum-labels'];
  const channelLabel = (c: CapChannel) =>
    c === 'all' ? t('channel.all') : channelWords?.[c] ? pick(channelWords[c]) : t(`enum.${c}`);
  const rows = useMemo(() => caps.map((cap, i) => ({ ...cap, i })), [caps]);
  const set = (i: number, patch: Partial<Cap>, field: string) =>
    onChange(
      caps.map((c, j) => (j === i ? { ...c, ...patch } : c)),
      `frequencyCaps.${i}.${field}`,
    );
  const err = (i: number, f: string) => errors.get(`frequencyCaps.${i}.${f}`);
  return (
    <div className="yt-rows">
      <Table
        size="small"
        rowKey="i"
        pagination={false}
        dataSource={rows}
        locale={{ emptyText: t('settings.capsEmpty') }}
        data-testid="settings-caps"
        columns={[
          {
            title: t('settings.capChannel'),
            width: 200,
            render: (_, r) => (
              <>
                <Select
                  value={r.channel}
                  onChange={(channel) => set(r.i, { channel }, 'channel')}
                  options={CAP_CHANNELS.map((c) => ({ value: c, label: channelLabel(c) }))}
                  status={err(r.i, 'channel') ? 'error' : undefined}
                  data-testid={`cap-${r.i}-channel`}
                  style={{ width: 160 }}
                />
                <FieldError text={err(r.i, 'channel')} testId={`cap-${r.i}-channel-error`} />
              </>
            ),
          },
          {
            title: t('settings.capRule', { days: 'D', max: 'N' }),
            render: (_, r) => (
              <>
                <Space size={6} align="center" wrap>
                  <span>{t('settings.capEvery')}</span>
                  <InputNumber
                    value={r.perDays}
                    precision={0}
                    onChange={(v) => set(r.i, { perDays: v ?? Number.NaN }, 'perDays')}
                    status={err(r.i, 'perDays') ? 'error' : undefined}
                    data-testid={`cap-${r.i}-perDays`}
                    style={{ width: 80 }}
                  />
                  <span>{t('settings.capDaysAtMost')}</span>
                  <InputNumber
                    value={r.max}
                    precision={0}
                    onChange={(v) => set(r.i, { max: v ?? Number.NaN }, 'max')}
                    status={err(r.i, 'max') ? 'error' : undefined}
                    data-testid={`cap-${r.i}-max`}
                    style={{ width: 80 }}
                  />
                  <span>{t('settings.capUnit')}</span>
                </Space>
                <FieldError text={err(r.i, 'perDays') ?? err(r.i, 'max')} testId={`cap-${r.i}-error`} />
              </>
            ),
          },
          {
            width: 56,
            render: (_, r) => (
              <Button
                type="text"
                icon={<DeleteOutlined />}
                aria-label={t('form.remove')}
                onClick={() => onChange(caps.filter((_, j) => j !== r.i))}
                data-testid={`cap-${r.i}-remove`}
              />
            ),
          },
        ]}
      />
      <div>
        <Button
          size="small"
          icon={<PlusOutlined />}
          onClick={() => onChange([...caps, { channel: 'sms', max: 1, perDays: 1 }])}
          data-testid="settings-add-cap"
        >
          {t('settings.addCap')}
        </Button>
      </div>
    </div>
  );
}
