import { Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ChannelInfo } from '../../api/types';
import { useLang } from '../../i18n';
import { FieldList } from '../config-form';
import { useFormEnv } from '../form-context';
import { fieldsFor } from '../schema-fields';

// Channels are code on the server: one fetch per page load serves every message node.
let loading: Promise<ChannelInfo[]> | null = null;

/** The channels of `GET /api/channels`, with their message forms. */
export function useChannels(): ChannelInfo[] | null {
  const [channels, setChannels] = useState<ChannelInfo[] | null>(null);
  useEffect(() => {
    let live = true;
    loading ??= api.channels();
    loading
      .then((list) => live && setChannels(list))
      .catch(() => {
        loading = null;
        if (live) setChannels([]);
      });
    return () => {
      live = false;
    };
  }, []);
  return channels;
}

/**
 * The message node's `content`: the form of the channel chosen in the same node (an SMS template code and its
 * parameters, a WeChat template's fields, an email's subject and HTML…), generated from the channel's
 * `messageSchema`. Values of another channel's form are dropped when the channel changes.
 */
export function ChannelContent({
  value,
  onChange,
  path,
}: {
  value: Record<string, unknown> | undefined;
  onChange(v: Record<string, unknown> | undefined): void;
  path: string;
}) {
  const { t } = useTranslation();
  const { pick } = useLang();
  const env = useFormEnv();
  const channels = useChannels();
  if (!channels) return <Spin size="small" tip={t('channel.loading')} />;
  const info = channels.find((c) => c.id === env.config.channel);
  if (!info) return <div className="yt-muted">{t('channel.noForm')}</div>;
  const known = new Set(Object.keys(info.messageSchema.properties ?? {}));
  const own = (v: Record<string, unknown> | undefined) =>
    Object.fromEntries(Object.entries(v ?? {}).filter(([k]) => known.has(k)));
  return (
    <div className="yt-subform" data-testid="channel-content">
      <div className="yt-muted">
        {pick(info.description)} · {t('channel.address')}
        {t('punct.colon')}
        {pick(info.addressLabel)}
      </div>
      <FieldList
        fields={fieldsFor(info.messageSchema)}
        value={own(value)}
        onChange={(v) => {
          const next = own(v);
          onChange(Object.keys(next).length ? next : undefined);
        }}
        path={path}
      />
    </div>
  );
}
