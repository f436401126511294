import { Input } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The fallback for shapes no widget knows: edit the value as JSON, applied when it parses. */
export function JsonInput({
  value,
  onChange,
  disabled,
  testId,
}: {
  value: unknown;
  onChange(v: unknown): void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setText((cur) => {
      try {
        return JSON.stringify(JSON.parse(cur)) === JSON.stringify(value)
          ? cur
          : JSON.stringify(value, null, 2);
      } catch {
        return cur;
      }
    });
  }, [value]);
  return (
    <>
      <Input.TextArea
        value={text}
        status={bad ? 'error' : undefined}
        autoSize={{ minRows: 2, maxRows: 10 }}
        disabled={disabled}
        className="yt-mono"
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onChange(e.target.value.trim() ? JSON.parse(e.target.value) : undefined);
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      {bad && <div className="yt-error-text">{t('form.badJson')}</div>}
    </>
  );
}
