import DownloadOutlined from '@ant-design/icons/es/icons/DownloadOutlined';
import InboxOutlined from '@ant-design/icons/es/icons/InboxOutlined';
import { Alert, Button, Modal, Progress, Select, Space, Table, Typography, Upload } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import {
  batchErrors,
  batches,
  type CsvEncoding,
  type CsvMember,
  csvToMembers,
  decodeCsv,
  errorsCsv,
  failedBatch,
  IMPORT_BATCH,
  parseCsv,
  type RowError,
  rowErrorKey,
} from './member-csv';

interface ImportState {
  file: string;
  total: number;
  sent: number;
  imported: number;
  errors: RowError[];
  /** rows of batches that failed whole (network, server away): kept to send again */
  retry: CsvMember[];
  running: boolean;
}

/** A file read and parsed, shown before anything is sent: the marketer checks the Chinese came out right. */
interface Preview {
  file: string;
  bytes: Uint8Array;
  /** what the marketer chose (auto: detected) */
  chosen: CsvEncoding;
  /** what the text was read as; null when it could not be read */
  encoding: 'utf-8' | 'gb18030' | null;
  header: string[];
  rows: string[][];
  members: CsvMember[];
  error: string | null;
}

const PREVIEW_ROWS = 5;

/** Turns rows into a download the marketer can fix and import again. */
function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([`\ufeff${text}`], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * 导入会员: a CSV read in the browser (header row: external_id, name, phone, email, timezone, tags, consent.sms,
 * anything else an attribute), sent in batches of 1,000 with a progress bar. Every refused row is listed with
 * its line and reason and can be downloaded; a batch that fails whole is listed row by row and can be sent again.
 */
export function ImportMembersModal({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<ImportState | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const stop = useRef(false);

  // Decode (detected or as chosen), parse, and show the first rows; nothing is sent until the marketer says so.
  const read = (file: string, bytes: Uint8Array, chosen: CsvEncoding): Preview => {
    const decoded = decodeCsv(bytes, chosen);
    const base = { file, bytes, chosen, header: [], rows: [], members: [] };
    if (!decoded.ok)
      return {
        ...base,
        encoding: null,
        error: t(`import.error.${decoded.error}`, { encoding: t(`import.encoding.${decoded.encoding}`) }),
      };
    const rows = parseCsv(decoded.text);
    const parsed = csvToMembers(rows);
    return {
      ...base,
      encoding: decoded.encoding,
      header: rows[0] ?? [],
      rows: rows.slice(1, 1 + PREVIEW_ROWS),
      members: parsed.members,
      error: parsed.error ? t(`import.error.${parsed.error}`) : null,
    };
  };

  const run = async (file: string, rows: CsvMember[], prior?: ImportState) => {
    stop.current = false;
    let s: ImportState = prior
      ? {
          ...prior,
          errors: prior.errors.filter((e) => e.field !== 'batch'),
          retry: [],
          running: true,
          sent: prior.total - rows.length,
        }
      : { file, total: rows.length, sent: 0, imported: 0, errors: [], retry: [], running: true };
    setState(s);
    for (const batch of batches(rows, IMPORT_BATCH)) {
      if (stop.current) {
        s = { ...s, retry: [...s.retry, ...rows.slice(rows.indexOf(batch[0]))] };
        break;
      }
      try {
        const r = await api.importMembers(batch.map((b) => b.member));
        s = {
          ...s,
          imported: s.imported + r.imported,
          errors: [...s.errors, ...batchErrors(batch, r.errors)],
        };
      } catch (e) {
        // the whole batch was refused or never arrived: its rows are reported, and kept for "send again"
        s = {
          ...s,
          errors: [...s.errors, ...failedBatch(batch, (e as Error).message)],
          retry: [...s.retry, ...batch],
        };
      }
      s = { ...s, sent: s.sent + batch.length };
      setState(s);
    }
    s = { ...s, running: false, errors: [...s.errors].sort((a, b) => a.line - b.line) };
    setState(s);
  };

  const onFile = (f: File) => {
    setFileError(null);
    f.arrayBuffer().then(
      (buf) => setPreview(read(f.name, new Uint8Array(buf), 'auto')),
      (e: Error) => setFileError(e.message),
    );
    return false;
  };

  const start = () => {
    if (!preview || preview.error) return;
    const { file, members } = preview;
    setPreview(null);
    void run(file, members);
  };

  const close = () => {
    if (state?.running) stop.current = true;
    setState(null);
    setPreview(null);
    setFileError(null);
    onClose();
  };

  const pct = state?.total ? Math.round((state.sent / state.total) * 100) : 0;
  return (
    <Modal
      open={open}
      title={t('import.title')}
      onCancel={close}
      width={760}
      destroyOnHidden
      footer={
        <Space>
          {preview && !state && (
            <>
              <Button onClick={() => setPreview(null)} data-testid="import-other-file">
                {t('import.otherFile')}
              </Button>
              <Button
                type="primary"
                disabled={!!preview.error || preview.members.length === 0}
                onClick={start}
                data-testid="import-start"
              >
                {preview.error ? t('import.open') : t('import.start', { count: preview.members.length })}
              </Button>
            </>
          )}
          {state && !state.running && state.retry.length > 0 && (
            <Button onClick={() => run(state.file, state.retry, state)} data-testid="import-retry">
              {t('import.retry', { count: state.retry.length })}
            </Button>
          )}
          {!(preview && !state) && (
            <Button type="primary" onClick={close} disabled={state?.running}>
              {t('common.done')}
            </Button>
          )}
        </Space>
      }
    >
      <div data-testid="import-members-modal">
        {preview && !state && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="import-preview">
            <Space wrap>
              <Typography.Text strong>{preview.file}</Typography.Text>
              <Typography.Text type="secondary">{t('import.encodingLabel')}</Typography.Text>
              <Select<CsvEncoding>
                size="small"
                value={preview.chosen}
                style={{ minWidth: 200 }}
                popupMatchSelectWidth={false}
                onChange={(e) => setPreview(read(preview.file, preview.bytes, e))}
                data-testid="import-encoding"
                options={(['auto', 'utf-8', 'gb18030'] as const).map((e) => ({
                  value: e,
                  label:
                    e === 'auto' && preview.encoding
                      ? t('import.encoding.detected', { encoding: t(`import.encoding.${preview.encoding}`) })
                      : t(`import.encoding.${e}`),
                }))}
              />
            </Space>
            {preview.error ? (
              <Alert type="error" showIcon title={preview.error} data-testid="import-decode-error" />
            ) : (
              <>
                <Typography.Text data-testid="import-preview-count">
                  {t('import.previewCount', { count: preview.members.length, shown: preview.rows.length })}
                </Typography.Text>
                <Table
                  size="small"
                  bordered
                  pagination={false}
                  scroll={{ x: true }}
                  data-testid="import-preview-table"
                  rowKey={(_, i) => String(i)}
                  dataSource={preview.rows.map((r) =>
                    Object.fromEntries(preview.header.map((_, c) => [c, r[c] ?? ''])),
                  )}
                  columns={preview.header.map((h, c) => ({ title: h, dataIndex: String(c), ellipsis: true }))}
                />
                <Typography.Text type="secondary">{t('import.previewHint')}</Typography.Text>
              </>
            )}
          </Space>
        )}
        {!state && !preview && (
          <>
            <Typography.Paragraph type="secondary">{t('import.help')}</Typography.Paragraph>
            <pre className="yt-code-sample">
              external_id,name,phone,email,timezone,tags,consent.sms,city{'\n'}
              m1001,王小明,13800000000,,Asia/Shanghai,vip|新客,是,上海
            </pre>
            <Upload.Dragger
              accept=".csv,text/csv"
              showUploadList={false}
              beforeUpload={onFile}
              data-testid="import-file"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p>{t('import.drop')}</p>
            </Upload.Dragger>
            {fileError && <Alert type="error" showIcon title={fileError} className="yt-panel__alert" />}
          </>
        )}
        {state && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Text>{state.file}</Typography.Text>
            <Progress
              percent={pct}
              // some refused rows are not a failed import: the bar stays plain, the list below says which
              status={state.running ? 'active' : state.errors.length ? 'normal' : 'success'}
              data-testid="import-progress"
            />
            <Typography.Text data-testid="import-summary">
              {t('import.summary', {
                sent: state.sent,
                total: state.total,
                imported: state.imported,
                rejected: state.errors.length,
              })}
            </Typography.Text>
            {state.errors.length > 0 && (
              <>
                <Space>
                  <Typography.Text type="danger">
                    {t('import.rejected', { count: state.errors.length })}
                  </Typography.Text>
                  <Button
                    size="small"
                    icon={<DownloadOutlined />}
                    onClick={() =>
                      download(
                        `import-errors-${state.file}`,
                        errorsCsv(
                          state.errors.map((e) => ({
                            ...e,
                            message: `${t(rowErrorKey(e), { message: e.message })} (${e.message})`,
                          })),
                          [
                            t('import.col.line'),
                            'external_id',
                            t('import.col.field'),
                            t('import.col.message'),
                          ],
                        ),
                      )
                    }
                    data-testid="import-errors-download"
                  >
                    {t('import.download')}
                  </Button>
                </Space>
                <Table<RowError>
                  size="small"
                  rowKey={(e) => `${e.line}:${e.field}`}
                  dataSource={state.errors}
                  pagination={{ pageSize: 10, hideOnSinglePage: true }}
                  data-testid="import-errors"
                  columns={[
                    { title: t('import.col.line'), dataIndex: 'line', width: 70 },
                    { title: 'external_id', dataIndex: 'id', width: 160 },
                    { title: t('import.col.field'), dataIndex: 'field', width: 130 },
                    {
                      title: t('import.col.message'),
                      dataIndex: 'message',
                      render: (m: string, e) => <span title={m}>{t(rowErrorKey(e), { message: m })}</span>,
                    },
                  ]}
                />
              </>
            )}
          </Space>
        )}
      </div>
    </Modal>
  );
}
