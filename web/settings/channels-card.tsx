import { App, Button, Card, Form, Input, InputNumber, Space, Switch, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { ChannelInfo, ChannelSettingsView } from '../api/types';
import { useCan } from '../auth/session';
import { fieldsFor, humanize } from '../forms/schema-fields';
import { useChannels } from '../forms/widgets/channel-content';
import { useLang } from '../i18n';

/**
 * Provider accounts per channel (workspace settings). Secrets are write-only: the API says which fields are set,
 * never their values, so a secret field shows "set" and is left blank to keep it.
 */
export function ChannelsCard() {
  const { t } = useTranslation();
  const channels = useChannels();
  const [views, setViews] = useState<ChannelSettingsView[] | null>(null);
  const reload = useCallback(() => api.channelSettings().then(setViews, () => setViews([])), []);
  useEffect(() => {
    void reload();
  }, [reload]);
  if (!channels || !views) return null;
  return (
    <Card
      size="small"
      title={t('channel.settingsTitle')}
      className="yt-settings__card"
      data-testid="channels-card"
    >
      <Typography.Paragraph type="secondary">{t('channel.settingsSubtitle')}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: '100%' }}>
        {channels.map((info) => (
          <ChannelForm
            key={info.id}
            info={info}
            view={views.find((v) => v.channel === info.id)}
            onSaved={reload}
          />
        ))}
      </Space>
    </Card>
  );
}

function ChannelForm({
  info,
  view,
  onSaved,
}: {
  info: ChannelInfo;
  view: ChannelSettingsView | undefined;
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const { message } = App.useApp();
  const canEdit = useCan('settings.edit');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Map<string, string>>(new Map());
  const fields = fieldsFor(info.credentialsSchema);
  const isPublic = (key: string) => info.publicFields.includes(key);
  const shown = (key: string) =>
    key in values ? values[key] : isPublic(key) ? view?.values[key] : undefined;

  const save = async () => {
    try {
      await api.saveChannelSettings(info.id, values);
      setValues({});
      setErrors(new Map());
      message.success(t('channel.saved'));
      onSaved();
    } catch (e) {
      if (e instanceof ApiError && e.issues) setErrors(new Map(e.issues.map((i) => [i.field, i.message])));
      else if (e instanceof ApiError && e.field) setErrors(new Map([[e.field, e.message]]));
      message.error((e as Error).message);
    }
  };
  const remove = async () => {
    await api.removeChannelSettings(info.id);
    message.success(t('channel.removed'));
    onSaved();
  };

  return (
    <Card
      size="small"
      type="inner"
      data-testid={`channel-settings-${info.id}`}
      title={
        <Space>
          {pick(info.label)}
          {view?.configured ? (
            <Tag color="green">{t('channel.configured')}</Tag>
          ) : (
            <Tag>{t('channel.sandbox')}</Tag>
          )}
        </Space>
      }
    >
      <Form layout="vertical" component="div" disabled={!canEdit}>
        {fields.map((f) => {
          const label = f.label ? pick(f.label) : humanize(f.key);
          const secretSet = !isPublic(f.key) && view?.fieldsSet.includes(f.key);
          const set = (v: unknown) => setValues((prev) => ({ ...prev, [f.key]: v }));
          const testId = `channel-${info.id}-${f.key}`;
          return (
            <Form.Item
              key={f.key}
              label={label}
              validateStatus={errors.get(f.key) ? 'error' : undefined}
              help={errors.get(f.key)}
              // where requests go: changing it takes the stored secrets typed again (the server says 422 otherwise)
              extra={
                view?.configured && info.destinationFields.includes(f.key)
                  ? t('channel.destinationHelp')
                  : undefined
              }
            >
              {f.kind === 'number' ? (
                <InputNumber
                  value={shown(f.key) as number}
                  onChange={(v) => set(v ?? undefined)}
                  data-testid={testId}
                />
              ) : f.kind === 'boolean' ? (
                <Switch
                  checked={(shown(f.key) ?? f.schema.default) as boolean}
                  onChange={set}
                  data-testid={testId}
                />
              ) : isPublic(f.key) ? (
                <Input
                  value={(shown(f.key) as string) ?? ''}
                  placeholder={typeof f.schema.default === 'string' ? f.schema.default : undefined}
                  onChange={(e) => set(e.target.value)}
                  data-testid={testId}
                />
              ) : (
                <Input.Password
                  value={(values[f.key] as string) ?? ''}
                  placeholder={secretSet ? t('channel.secretSet') : undefined}
                  onChange={(e) => set(e.target.value)}
                  autoComplete="new-password"
                  data-testid={testId}
                />
              )}
            </Form.Item>
          );
        })}
        {view?.callbackPath && (
          <Form.Item label={t('channel.callback')} extra={t('channel.callbackHelp')}>
            <Typography.Text copyable code data-testid={`channel-${info.id}-callback`}>
              {`${window.location.origin}${view.callbackPath}`}
            </Typography.Text>
          </Form.Item>
        )}
        {canEdit && (
          <Space>
            <Button type="primary" onClick={save} data-testid={`channel-${info.id}-save`}>
              {t('channel.save')}
            </Button>
            {view?.configured && (
              <Button danger onClick={remove} data-testid={`channel-${info.id}-remove`}>
                {t('channel.remove')}
              </Button>
            )}
          </Space>
        )}
      </Form>
    </Card>
  );
}
