import { Button, Card, Input, Popover, Space, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useFormEnv } from '../form-context';
import type { WidgetProps } from './widget-props';

const VARIABLES = ['member.name', 'coupon.code', 'member.attributes.city'];

/** What the server takes as a tracked link's destination (engine/render/template.ts `trackableUrl`). */
export function linkAddressProblem(url: string): 'empty' | 'notHttp' | 'quote' | null {
  const u = url.trim();
  if (!u) return 'empty';
  if (/["\s{}]/.test(u)) return 'quote';
  if (!/^https?:\/\/[^/]/i.test(u)) return 'notHttp';
  try {
    const parsed = new URL(u);
    return parsed.hostname && !parsed.username && !parsed.password ? null : 'notHttp';
  } catch {
    return 'notHttp';
  }
}

/** A tracked link: the member gets a short link of their own, and the click is counted (link_clicked). */
function LinkInserter({ onInsert }: { onInsert(url: string): void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const problem = url ? linkAddressProblem(url) : null;
  const insert = () => {
    if (linkAddressProblem(url)) return;
    onInsert(url.trim());
    setUrl('');
    setOpen(false);
  };
  return (
    <Popover
      open={open}
      placement="bottomLeft"
      onOpenChange={setOpen}
      trigger="click"
      title={t('form.link.title')}
      content={
        <div className="yt-message__link" data-testid="link-inserter">
          <Input
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            onPressEnter={insert}
            placeholder="https://shop.example.com/sale"
            status={problem ? 'error' : undefined}
            data-testid="link-url"
            autoFocus
          />
          <Typography.Text type={problem ? 'danger' : 'secondary'} className="yt-message__link-help">
            {problem ? t(`form.link.${problem}`) : t('form.link.help')}
          </Typography.Text>
          <Button
            type="primary"
            size="small"
            onClick={insert}
            disabled={!url || !!problem}
            data-testid="link-insert"
          >
            {t('form.link.insert')}
          </Button>
        </div>
      }
    >
      <Button size="small" data-testid="insert-link">
        {t('form.link.button')}
      </Button>
    </Popover>
  );
}

/** Message body: text with one-click variable insertion and a live preview rendered by the server for a sample member. */
export function MessageBody({ value, onChange, disabled, testId }: WidgetProps<string>) {
  const { t } = useTranslation();
  const env = useFormEnv();
  const ref = useRef<TextAreaRef>(null);
  const [preview, setPreview] = useState<{ body: string; title: string | null; linksLocal?: boolean } | null>(
    null,
  );
  // where the author's caret last was: a button press takes the focus away, and before any, text goes at the end
  const caret = useRef<{ start: number; end: number } | null>(null);
  const body = value ?? '';
  const title = typeof env.config.title === 'string' ? env.config.title : undefined;

  useEffect(() => {
    if (!body.trim()) {
      setPreview(null);
      return;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      api.render({ body, title }, { signal: ctl.signal }).then(setPreview, () => undefined);
    }, 350);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [body, title]);

  const insert = (variable: string, spaced = false) => {
    const el = ref.current?.resizableTextArea?.textArea;
    const start = Math.min(caret.current?.start ?? body.length, body.length);
    const end = Math.min(caret.current?.end ?? body.length, body.length);
    // a link needs a space around it: phones would read neighbouring letters as part of the address
    const before = spaced && start > 0 && !/\s/.test(body[start - 1]) ? ' ' : '';
    const after = spaced && end < body.length && !/^\s/.test(body.slice(end)) ? ' ' : '';
    const token = `${before}{{${variable}}}${after}`;
    onChange(body.slice(0, start) + token + body.slice(end));
    caret.current = { start: start + token.length, end: start + token.length };
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  return (
    <div className="yt-message">
      <Input.TextArea
        ref={ref}
        value={body}
        onChange={(e) => onChange(e.target.value)}
        onSelect={(e) => {
          caret.current = { start: e.currentTarget.selectionStart, end: e.currentTarget.selectionEnd };
        }}
        autoSize={{ minRows: 3, maxRows: 8 }}
        disabled={disabled}
        placeholder={t('form.bodyPlaceholder')}
        data-testid={testId}
        showCount
        maxLength={500}
      />
      {!disabled && (
        <Space size={4} wrap className="yt-message__vars">
          <Typography.Text type="secondary">{t('form.insertVariable')}</Typography.Text>
          {VARIABLES.map((v) => (
            <Button key={v} size="small" onClick={() => insert(v)} data-testid={`insert-${v}`}>
              {t(`variables.${v}`, { defaultValue: v })}
            </Button>
          ))}
          <LinkInserter onInsert={(url) => insert(`link "${url}"`, true)} />
        </Space>
      )}
      <Card
        size="small"
        className="yt-message__preview"
        title={t('form.preview')}
        data-testid="message-preview"
      >
        {preview ? (
          <>
            {preview.title && <div className="yt-message__preview-title">{preview.title}</div>}
            <div className="yt-message__preview-body">{preview.body}</div>
            {preview.linksLocal && (
              <Typography.Text type="warning" className="yt-message__link-local" data-testid="links-local">
                {t('form.link.local')}
              </Typography.Text>
            )}
          </>
        ) : (
          <Typography.Text type="secondary">{t('form.previewEmpty')}</Typography.Text>
        )}
      </Card>
    </div>
  );
}
