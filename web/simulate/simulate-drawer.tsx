import DeleteOutlined from '@ant-design/icons/es/icons/DeleteOutlined';
import PlusOutlined from '@ant-design/icons/es/icons/PlusOutlined';
import {
  Alert,
  Button,
  DatePicker,
  Drawer,
  Empty,
  Form,
  Input,
  InputNumber,
  Segmented,
  Select,
  Switch,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api/client';
import type { JourneyDocument, Problem, SimulationResult } from '../api/types';
import { outputsFor } from '../canvas/outputs';
import { isSettingsProblem, problemText, settingsProblemText } from '../canvas/problem-text';
import { renderSummary } from '../canvas/summary';
import { useSummaryFormat } from '../canvas/use-summary-format';
import { EventPicker } from '../forms/widgets/event-picker';
import { KeyValueEditor } from '../forms/widgets/key-value-editor';
import { TagPicker } from '../forms/widgets/tag-picker';
import { TimezoneSelect, zoneOffset } from '../forms/widgets/timezone-select';
import { useLang } from '../i18n';
import { StepOutcomeText, stepColor } from '../runs/step-outcome';
import { exitReasonText, stepOutcome } from '../runs/step-words';
import { useCatalog } from '../shell/catalog';
import { formatTime } from '../shell/format';
import { formatOffset, type SimItem, simulationTimeline } from './sim-timeline';

type Unit = 'minutes' | 'hours' | 'days';
const UNIT_MS: Record<Unit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

interface SimEvent {
  name: string;
  amount: number;
  unit: Unit;
  properties: Record<string, unknown>;
}

interface Outcome {
  result: SimulationResult;
  /** the draft that was simulated, to name its nodes */
  doc: JourneyDocument;
  events: { name: string; afterMs: number }[];
  tookMs: number;
}

/**
 * 模拟: what would happen to a member — a real one (their tags, zone, consent and contact history) or a
 * made-up one — who enters the current draft at a given time and does the given things later. The server
 * runs the same interpreter on a virtual clock, so month-long waits answer at once. The path is shown on a
 * timeline and lit up on the canvas (`onPath`).
 */
export function SimulateDrawer({
  open,
  journeyId,
  document,
  onClose,
  onPath,
}: {
  open: boolean;
  journeyId: string;
  /** the draft as it is now (pending panel edits committed) */
  document: () => Promise<JourneyDocument>;
  onClose(): void;
  onPath(result: SimulationResult | null, doc: JourneyDocument | null): void;
}) {
  const { t } = useTranslation();
  const [who, setWho] = useState<'made-up' | 'real'>('made-up');
  const [memberId, setMemberId] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [attributes, setAttributes] = useState<Record<string, unknown>>({});
  const [timezone, setTimezone] = useState<string | undefined>();
  // a made-up member has no guide unless the marketer says so: a guide task then takes 无导购, as for real
  const [hasGuide, setHasGuide] = useState(false);
  const [startAt, setStartAt] = useState<Dayjs>(() => dayjs().second(0).millisecond(0));
  const [events, setEvents] = useState<SimEvent[]>([]);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [failure, setFailure] = useState<{
    message: string;
    problems?: Problem[];
    doc?: JourneyDocument;
  } | null>(null);

  // a new answer scrolls into view: the form above it can be long
  const resultRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (outcome || failure) resultRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [outcome, failure]);

  const run = async () => {
    setBusy(true);
    setFailure(null);
    const doc = await document();
    const timed = events
      .filter((e) => e.name.trim())
      .map((e) => ({ ...e, afterMs: Math.round(e.amount * UNIT_MS[e.unit]) }));
    const t0 = performance.now();
    try {
      const result = await api.simulate(journeyId, {
        document: doc,
        ...(who === 'real'
          ? { memberId: memberId.trim() }
          : { member: { tags, attributes, guide: hasGuide, ...(timezone ? { timezone } : {}) } }),
        startAt: startAt.toISOString(),
        events: timed.map((e) => ({
          name: e.name.trim(),
          afterMs: e.afterMs,
          ...(Object.keys(e.properties).length ? { properties: e.properties } : {}),
        })),
      });
      setOutcome({ result, doc, events: timed, tookMs: Math.round(performance.now() - t0) });
      onPath(result, doc);
    } catch (e) {
      setOutcome(null);
      onPath(null, null);
      if (e instanceof ApiError && e.errors?.length)
        setFailure({ message: t('simulate.fixFirst', { count: e.errors.length }), problems: e.errors, doc });
      else if (e instanceof ApiError && e.field === 'memberId')
        setFailure({ message: t('simulate.noMember', { id: memberId.trim() }) });
      else if (e instanceof ApiError && e.field?.startsWith('events'))
        setFailure({ message: t('simulate.badEvent') });
      else setFailure({ message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const setEvent = (i: number, patch: Partial<SimEvent>) =>
    setEvents((list) => list.map((e, j) => (j === i ? { ...e, ...patch } : e)));

  return (
    <Drawer
      open={open}
      onClose={() => {
        onPath(null, null);
        onClose();
      }}
      title={t('simulate.title')}
      size={500}
      mask={false}
      destroyOnHidden={false}
      data-testid="simulate-drawer"
      className="yt-simulate"
      extra={
        <Button type="primary" onClick={run} loading={busy} data-testid="simulate-run">
          {t('simulate.run')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" className="yt-simulate__help">
        {t('simulate.help')}
      </Typography.Paragraph>
      <Form layout="vertical" component="div" className="yt-form">
        <Form.Item label={t('simulate.member')}>
          <Segmented
            value={who}
            onChange={(v) => setWho(v as typeof who)}
            options={[
              { value: 'made-up', label: t('simulate.madeUp') },
              { value: 'real', label: t('simulate.real') },
            ]}
            data-testid="simulate-who"
          />
        </Form.Item>
        {who === 'real' ? (
          <Form.Item label={t('simulate.memberId')} extra={t('simulate.realHint')}>
            <Input
              value={memberId}
              onChange={(e) => setMemberId(e.target.value)}
              placeholder={t('member.searchPlaceholder')}
              data-testid="simulate-member-id"
            />
          </Form.Item>
        ) : (
          <div className="yt-subform">
            <Form.Item label={t('member.tags')}>
              <TagPicker value={tags} onChange={(v) => setTags(v as string[])} testId="simulate-tags" />
            </Form.Item>
            <Form.Item label={t('member.attributes')}>
              <KeyValueEditor value={attributes} onChange={setAttributes} testId="simulate-attributes" />
            </Form.Item>
            <Form.Item label={t('simulate.timezone')} extra={t('simulate.timezoneHint')}>
              <TimezoneSelect
                value={timezone}
                onChange={setTimezone}
                allowClear
                placeholder={t('simulate.workspaceZone')}
                testId="simulate-timezone"
              />
            </Form.Item>
            <Form.Item label={t('simulate.guide')} extra={t('simulate.guideHint')}>
              <Switch checked={hasGuide} onChange={setHasGuide} data-testid="simulate-has-guide" />
            </Form.Item>
          </div>
        )}
        <Form.Item label={t('simulate.startAt')}>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            value={startAt}
            allowClear={false}
            onChange={(d) => d && setStartAt(d)}
            data-testid="simulate-start"
          />
        </Form.Item>
        <Form.Item label={t('simulate.events')} extra={t('simulate.eventsHint')}>
          <div className="yt-rows" data-testid="simulate-events">
            {events.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: made-up events have no id; order is identity
              <div className="yt-list-card" key={i}>
                <div className="yt-row">
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <EventPicker
                      value={e.name}
                      onChange={(name) => setEvent(i, { name })}
                      testId={`simulate-event-${i}-name`}
                    />
                  </div>
                  <Button
                    type="text"
                    icon={<DeleteOutlined />}
                    aria-label={t('form.remove')}
                    onClick={() => setEvents((list) => list.filter((_, j) => j !== i))}
                  />
                </div>
                <div className="yt-row">
                  <span>{t('simulate.after')}</span>
                  <InputNumber
                    min={0}
                    value={e.amount}
                    onChange={(v) => setEvent(i, { amount: v ?? 0 })}
                    data-testid={`simulate-event-${i}-amount`}
                    style={{ width: 90 }}
                  />
                  <Select
                    value={e.unit}
                    onChange={(unit) => setEvent(i, { unit })}
                    options={(['minutes', 'hours', 'days'] as const).map((u) => ({
                      value: u,
                      label: t(`enum.${u}`),
                    }))}
                    data-testid={`simulate-event-${i}-unit`}
                    style={{ width: 90 }}
                  />
                  <span className="yt-muted">{t('simulate.afterEntry')}</span>
                </div>
                <KeyValueEditor
                  value={e.properties}
                  onChange={(properties) => setEvent(i, { properties })}
                  testId={`simulate-event-${i}-properties`}
                  addLabel={t('simulate.addProperty')}
                />
              </div>
            ))}
            <div>
              <Button
                size="small"
                icon={<PlusOutlined />}
                onClick={() =>
                  setEvents((list) => [...list, { name: '', amount: 1, unit: 'days', properties: {} }])
                }
                data-testid="simulate-add-event"
              >
                {t('simulate.addEvent')}
              </Button>
            </div>
          </div>
        </Form.Item>
      </Form>
      <div className="yt-simulate__result" data-testid="simulate-result" ref={resultRef}>
        {failure && <SimFailure failure={failure} />}
        {outcome && <SimResult outcome={outcome} startAt={startAt.valueOf()} />}
        {!failure && !outcome && <Empty description={t('simulate.empty')} />}
      </div>
    </Drawer>
  );
}

function SimFailure({
  failure,
}: {
  failure: { message: string; problems?: Problem[]; doc?: JourneyDocument };
}) {
  const { t } = useTranslation();
  const { lang, pick } = useLang();
  const { byType, journeySettings } = useCatalog();
  // in words, each once (an empty event can break two rules of the same field)
  const texts = [
    ...new Set(
      (failure.problems ?? []).map((p) => {
        if (isSettingsProblem(p))
          return settingsProblemText(t, lang, p, journeySettings.configSchema, failure.doc?.settings);
        const node = failure.doc?.nodes.find((n) => n.id === p.nodeId);
        const nt = node ? byType.get(node.type) : undefined;
        const text = problemText(t, lang, p, nt, node?.data);
        return nt ? `${pick(nt.title)}${t('punct.colon')}${text}` : text;
      }),
    ),
  ];
  return (
    <Alert
      type="error"
      showIcon
      title={failure.message}
      data-testid="simulate-error"
      description={
        texts.length > 0 && (
          <ul className="yt-plain-list">
            {texts.slice(0, 8).map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
        )
      }
    />
  );
}

/** The simulated path: where the member was when, in words. */
function SimResult({ outcome, startAt }: { outcome: Outcome; startAt: number }) {
  const { t } = useTranslation();
  const { lang, pick } = useLang();
  const { byType } = useCatalog();
  const fmt = useSummaryFormat();
  const { result, doc, events, tookMs } = outcome;
  const start = result.startAt ?? startAt;
  const items = simulationTimeline(result, events);
  /** 等待 · 等待 30 天: the node type's title and the node's one-line summary */
  const nodeWords = (nodeId: string | null) => {
    const node = doc.nodes.find((n) => n.id === nodeId);
    const nt = node ? byType.get(node.type) : undefined;
    if (!node || !nt) return <strong>{nodeId}</strong>;
    const summary = renderSummary(pick(nt.summary), node.data ?? {}, nt.configSchema, fmt);
    return (
      <span className="yt-run-node" title={node.id}>
        <strong>{pick(nt.title)}</strong>
        {summary && <span className="yt-muted"> · {summary}</span>}
      </span>
    );
  };
  const when = (afterMs: number) => (
    <span className="yt-muted">
      {formatTime(start + afterMs)} ·{' '}
      {afterMs < 1000
        ? t('simulate.atEntry')
        : t('simulate.sinceEntry', { span: formatOffset(afterMs, lang) })}
    </span>
  );
  const render = (item: SimItem) => {
    if (item.kind === 'enter')
      return {
        color: 'blue',
        children: (
          <div>
            <strong>{t('simulate.enter')}</strong>
            <div>{when(0)}</div>
          </div>
        ),
      };
    if (item.kind === 'event')
      return {
        color: 'gray',
        children: (
          <div data-testid="sim-event">
            <Tag color={item.late ? 'default' : 'geekblue'}>{t('simulate.event')}</Tag>
            {item.name}
            {item.late && <span className="yt-muted"> · {t('simulate.eventLate')}</span>}
            <div>{when(item.afterMs)}</div>
          </div>
        ),
      };
    if (item.kind === 'step') {
      const s = item.step;
      const outcomeOf = stepOutcome(s);
      const node = doc.nodes.find((n) => n.id === s.nodeId);
      const out = s.output
        ? (outputsFor(byType.get(s.nodeType), node?.data ?? {}, lang).find((o) => o.id === s.output)?.label ??
          t(`simulate.outputs.${s.output}`, { defaultValue: s.output }))
        : null;
      const waited = typeof s.detail.waitedMs === 'number' && s.detail.waitedMs > 0 ? s.detail.waitedMs : 0;
      return {
        color: stepColor(outcomeOf),
        children: (
          <div data-testid={`sim-step-${s.status}`}>
            {nodeWords(s.nodeId)}
            {out && outcomeOf.kind === 'ok' && <span> → {out}</span>}
            {waited > 0 && (
              <span className="yt-muted">
                {' '}
                · {t('simulate.waited', { span: formatOffset(waited, lang) })}
              </span>
            )}
            <StepOutcomeText outcome={outcomeOf} />
            <div>{when(s.afterMs)}</div>
          </div>
        ),
      };
    }
    const end = item.end;
    const endNode = doc.nodes.find((n) => n.id === end.nodeId);
    const endType = endNode ? byType.get(endNode.type) : undefined;
    const where = endType ? pick(endType.title) : (end.nodeId ?? '');
    let text: string;
    if (end.status === 'waiting' || end.status === 'running')
      text =
        end.waitingUntilMs !== null
          ? t('simulate.endWaiting', { node: where, until: formatTime(start + end.waitingUntilMs) })
          : t('simulate.endWaitingOpen', { node: where });
    else if (end.status === 'failed') text = t('simulate.endFailed', { node: where });
    // converted says it all; completed and exited say how (到达退出节点, 满足退出条件：…)
    else
      text =
        end.exitReason && end.status !== 'converted'
          ? `${t(`runStatus.${end.status}`)} · ${exitReasonText(t, end.exitReason)}`
          : t(`runStatus.${end.status}`);
    return {
      color: end.status === 'converted' ? 'purple' : end.status === 'failed' ? 'red' : 'green',
      children: (
        <div data-testid="sim-end" data-status={end.status}>
          <strong>{text}</strong>
        </div>
      ),
    };
  };
  return (
    <>
      <div className="yt-simulate__took yt-muted" data-testid="simulate-took">
        {t('simulate.took', { ms: tookMs, steps: result.steps.length })} ·{' '}
        {t('simulate.localTimes', { zone: zoneOffset(Intl.DateTimeFormat().resolvedOptions().timeZone) })}
      </div>
      <Timeline items={items.map(render)} />
    </>
  );
}
