import ApartmentOutlined from '@ant-design/icons/es/icons/ApartmentOutlined';
import ArrowLeftOutlined from '@ant-design/icons/es/icons/ArrowLeftOutlined';
import BarChartOutlined from '@ant-design/icons/es/icons/BarChartOutlined';
import CheckOutlined from '@ant-design/icons/es/icons/CheckOutlined';
import CloudUploadOutlined from '@ant-design/icons/es/icons/CloudUploadOutlined';
import ExperimentOutlined from '@ant-design/icons/es/icons/ExperimentOutlined';
import FundOutlined from '@ant-design/icons/es/icons/FundOutlined';
import HistoryOutlined from '@ant-design/icons/es/icons/HistoryOutlined';
import LoadingOutlined from '@ant-design/icons/es/icons/LoadingOutlined';
import PauseCircleOutlined from '@ant-design/icons/es/icons/PauseCircleOutlined';
import PlayCircleOutlined from '@ant-design/icons/es/icons/PlayCircleOutlined';
import QuestionCircleOutlined from '@ant-design/icons/es/icons/QuestionCircleOutlined';
import RedoOutlined from '@ant-design/icons/es/icons/RedoOutlined';
import SettingOutlined from '@ant-design/icons/es/icons/SettingOutlined';
import TeamOutlined from '@ant-design/icons/es/icons/TeamOutlined';
import UndoOutlined from '@ant-design/icons/es/icons/UndoOutlined';
import WarningOutlined from '@ant-design/icons/es/icons/WarningOutlined';
import { Badge, Button, Divider, Dropdown, Popover, Space, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { JourneyDetail } from '../api/types';
import { useCan } from '../auth/session';
import type { SaveStatus } from '../canvas/use-autosave';
import { formatTime, statusColor } from '../shell/format';
import { LangSwitch } from '../shell/lang-switch';
import { navigate, paths } from '../shell/router';

const SHORTCUTS = [
  'addKey',
  'focusNode',
  'openNode',
  'moveNode',
  'delete',
  'escape',
  'undo',
  'redo',
  'copy',
  'paste',
  'layout',
  'save',
  'multi',
];

export function EditorToolbar({
  journey,
  version,
  saveStatus,
  canUndo,
  canRedo,
  showStats,
  onShowStats,
  settingsOpen,
  settingsProblems,
  onOpenSettings,
  onSimulate,
  onUndo,
  onRedo,
  onLayout,
  onPublish,
  onRename,
  onLifecycle,
}: {
  journey: JourneyDetail;
  version?: number;
  saveStatus: SaveStatus;
  canUndo: boolean;
  canRedo: boolean;
  showStats: boolean;
  onShowStats(v: boolean): void;
  settingsOpen: boolean;
  /** problems in the journey settings: a badge on their button */
  settingsProblems: number;
  onOpenSettings(): void;
  /** open the simulator (draft only) */
  onSimulate?(): void;
  onUndo(): void;
  onRedo(): void;
  onLayout(): void;
  onPublish(): void;
  onRename(name: string): Promise<void>;
  onLifecycle(action: 'pause' | 'resume'): Promise<void>;
}) {
  const { t } = useTranslation();
  const canEdit = useCan('journeys.edit');
  const canPublish = useCan('journeys.publish');
  const canPause = useCan('journeys.pause');
  const viewingVersion = version !== undefined;
  const readOnly = viewingVersion || !canEdit;
  const saveText = {
    saved: (
      <>
        <CheckOutlined /> {t('editor.saved')}
      </>
    ),
    pending: t('editor.pending'),
    saving: (
      <>
        <LoadingOutlined /> {t('editor.saving')}
      </>
    ),
    error: (
      <>
        <WarningOutlined /> {t('editor.saveError')}
      </>
    ),
  }[saveStatus];

  return (
    <header className="yt-toolbar">
      <Tooltip title={t('editor.back')}>
        <Button type="text" icon={<ArrowLeftOutlined />} href={paths.journeys()} data-testid="back" />
      </Tooltip>
      <div className="yt-toolbar__name">
        <Typography.Text
          strong
          ellipsis
          editable={
            readOnly ? false : { onChange: (v) => v.trim() && v !== journey.name && void onRename(v.trim()) }
          }
          data-testid="journey-name"
        >
          {journey.name}
        </Typography.Text>
      </div>
      <Tag color={statusColor[journey.status]} data-testid="editor-status">
        {t(`status.${journey.status}`)}
      </Tag>
      {journey.currentVersion !== null && <Tag>v{journey.currentVersion}</Tag>}
      {viewingVersion ? (
        <Tag color="purple" data-testid="readonly-banner">
          {t('editor.viewingVersion', { version })}
        </Tag>
      ) : !canEdit ? (
        <Tag data-testid="readonly-banner">{t('editor.readOnlyRole')}</Tag>
      ) : (
        journey.currentVersion !== null &&
        journey.hasUnpublishedChanges && <Tag color="gold">{t('journeys.unpublished')}</Tag>
      )}
      {!readOnly && (
        <span className={`yt-save yt-save--${saveStatus}`} data-testid="save-status" data-status={saveStatus}>
          {saveText}
        </span>
      )}
      <div className="yt-toolbar__spacer" />
      {!readOnly && (
        <Space size={2}>
          <Tooltip title={`${t('editor.undo')} (Ctrl+Z)`}>
            <Button
              type="text"
              icon={<UndoOutlined />}
              disabled={!canUndo}
              onClick={onUndo}
              data-testid="undo"
            />
          </Tooltip>
          <Tooltip title={`${t('editor.redo')} (Ctrl+Shift+Z)`}>
            <Button
              type="text"
              icon={<RedoOutlined />}
              disabled={!canRedo}
              onClick={onRedo}
              data-testid="redo"
            />
          </Tooltip>
          <Tooltip title={`${t('editor.layout')} (Shift+L)`}>
            <Button type="text" icon={<ApartmentOutlined />} onClick={onLayout} data-testid="auto-layout" />
          </Tooltip>
          <Popover
            title={t('shortcuts.title')}
            content={
              <table className="yt-shortcuts">
                <tbody>
                  {SHORTCUTS.map((k) => (
                    <tr key={k}>
                      <td>{t(`shortcuts.${k}.keys`)}</td>
                      <td>{t(`shortcuts.${k}.what`)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          >
            <Button type="text" icon={<QuestionCircleOutlined />} />
          </Popover>
        </Space>
      )}
      <Divider orientation="vertical" />
      <Badge count={settingsProblems} size="small" offset={[-4, 2]}>
        <Tooltip
          title={settingsProblems ? t('journeySettings.problems', { count: settingsProblems }) : undefined}
        >
          <Button
            type={settingsOpen ? 'primary' : 'default'}
            ghost={settingsOpen}
            danger={settingsProblems > 0}
            icon={<SettingOutlined />}
            onClick={onOpenSettings}
            aria-label={t('journeySettings.open')}
            data-testid="open-journey-settings"
            data-problems={settingsProblems}
          >
            <span className="yt-toolbar__label">{t('journeySettings.open')}</span>
          </Button>
        </Tooltip>
      </Badge>
      {onSimulate && (
        <Button
          icon={<ExperimentOutlined />}
          onClick={onSimulate}
          aria-label={t('simulate.open')}
          data-testid="open-simulate"
        >
          <span className="yt-toolbar__label">{t('simulate.open')}</span>
        </Button>
      )}
      {journey.currentVersion !== null && (
        <Tooltip title={t('editor.stats')}>
          <Button
            type={showStats ? 'primary' : 'text'}
            ghost={showStats}
            icon={<BarChartOutlined />}
            onClick={() => onShowStats(!showStats)}
            data-testid="toggle-stats"
          />
        </Tooltip>
      )}
      <Tooltip title={t('journeys.runs')}>
        <Button type="text" icon={<TeamOutlined />} href={paths.journeyRuns(journey.id)} />
      </Tooltip>
      {journey.currentVersion !== null && (
        <Button
          icon={<FundOutlined />}
          href={paths.journeyResults(journey.id)}
          aria-label={t('results.tab')}
          data-testid="open-results"
        >
          <span className="yt-toolbar__label">{t('results.tab')}</span>
        </Button>
      )}
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            ...(viewingVersion
              ? [{ key: 'draft', label: t('editor.backToDraft') }, { type: 'divider' as const }]
              : []),
            ...(journey.versions.length === 0
              ? [{ key: 'none', disabled: true, label: t('editor.noVersions') }]
              : [...journey.versions]
                  .sort((a, b) => b.version - a.version)
                  .map((v) => ({
                    key: String(v.version),
                    label: (
                      <div className="yt-version-item" data-testid={`version-${v.version}`}>
                        <strong>v{v.version}</strong>{' '}
                        <span className="yt-muted" data-testid={`version-${v.version}-by`}>
                          {v.publishedBy
                            ? t('editor.publishedBy', {
                                time: formatTime(v.publishedAt),
                                name: v.publishedBy,
                              })
                            : formatTime(v.publishedAt)}
                        </span>
                        {v.note && <div className="yt-muted yt-ellipsis">{v.note}</div>}
                      </div>
                    ),
                  }))),
          ],
          onClick: ({ key }) =>
            navigate(key === 'draft' ? paths.editor(journey.id) : paths.version(journey.id, Number(key))),
        }}
      >
        <Button icon={<HistoryOutlined />} data-testid="versions">
          {t('editor.versions')}
        </Button>
      </Dropdown>
      {canPause && journey.status === 'active' && (
        <Button icon={<PauseCircleOutlined />} onClick={() => void onLifecycle('pause')}>
          {t('journeys.pause')}
        </Button>
      )}
      {canPause && journey.status === 'paused' && (
        <Button icon={<PlayCircleOutlined />} onClick={() => void onLifecycle('resume')}>
          {t('journeys.resume')}
        </Button>
      )}
      {viewingVersion ? (
        <Button type="primary" onClick={() => navigate(paths.editor(journey.id))}>
          {t('editor.backToDraft')}
        </Button>
      ) : (
        canPublish &&
        canEdit && (
          <Button type="primary" icon={<CloudUploadOutlined />} onClick={onPublish} data-testid="publish">
            {t('editor.publish')}
          </Button>
        )
      )}
      <LangSwitch />
    </header>
  );
}
