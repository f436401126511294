import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Plan } from '../../workflows/plan.js';
import { versionPlan } from '../repositories/journey.repository.js';
import { DEFAULT_ATTRIBUTION_MS } from './conversions.js';
import {
  type LiftSummary,
  liftSummary,
  pickWinner,
  probabilityBest,
  type RevenueLiftSummary,
  revenueLiftSummary,
  type WinnerDecision,
} from './index.js';
import {
  currentDecisions,
  type DailyRow,
  dailyResults,
  enteredByVersion,
  type GroupSums,
  journeyTotals,
  type NodeCountRow,
  nodeCounts,
  versionPlans,
  workspaceTimeZone,
} from './results.repository.js';
import { type SplitConfig, splitNodes, winnerRule } from './split-config.js';

const DAY = 86_400_000;

export interface GroupResult {
  entered: number;
  converted: number;
  /** null while nobody entered: the web says so in words */
  conversionRate: number | null;
  revenueFen: number;
  revenuePerMemberFen: number | null;
}

export interface NodeResult {
  nodeId: string;
  entered: number;
  passed: Record<string, number>;
  waiting: number;
  skipped: Record<string, number>;
  deferred: Record<string, number>;
  failed: number;
  endedHere: number;
  /** endedHere by why: end (an end node), converted (the goal), exited (an exit criterion), cancelled, deleted */
  endedBy: Record<string, number>;
  convertedDownstream: number;
}

export interface SplitDecisionView {
  variant: string;
  decidedAt: string;
  by: 'auto' | 'manual';
  actor: string | null;
  numbers: Record<string, unknown>;
}

export interface SplitResult {
  nodeId: string;
  label: string;
  decision: SplitDecisionView | null;
  autoWinner: { enabled: boolean; minPerVariant: number; threshold: number };
  winner: WinnerDecision;
  variants: (GroupResult & {
    key: string;
    label: string;
    holdout: boolean;
    probabilityBest: number | null;
  })[];
}

/** GET /api/journeys/:id/results — the contract the 效果 tab builds on (engine/results/README.md). */
export interface JourneyResults {
  journeyId: string;
  version: number | null;
  from: string;
  to: string;
  timeZone: string;
  attributionWindowDays: number;
  totals: GroupResult & { conversionsWithoutValue: number };
  holdout: GroupResult | null;
  lift:
    | { rate: LiftSummary; revenuePerMember: RevenueLiftSummary }
    | { unavailable: 'no_holdout' | 'too_few' };
  series: { date: string; entered: number; converted: number; revenueFen: number }[];
  splits: SplitResult[];
  nodes: NodeResult[];
}

const ZERO: GroupSums = { entered: 0, converted: 0, revenueFen: '0', revenueSq: '0', noValue: 0 };

function add(a: GroupSums, b: GroupSums): GroupSums {
  return {
    entered: a.entered + b.entered,
    converted: a.converted + b.converted,
    revenueFen: (BigInt(a.revenueFen) + BigInt(b.revenueFen)).toString(),
    revenueSq: (BigInt(a.revenueSq) + BigInt(b.revenueSq)).toString(),
    noValue: a.noValue + b.noValue,
  };
}

function minus(a: GroupSums, b: GroupSums): GroupSums {
  return {
    entered: a.entered - b.entered,
    converted: a.converted - b.converted,
    revenueFen: (BigInt(a.revenueFen) - BigInt(b.revenueFen)).toString(),
    revenueSq: (BigInt(a.revenueSq) - BigInt(b.revenueSq)).toString(),
    noValue: a.noValue - b.noValue,
  };
}

/** Sums are numeric in the rollups; Postgres prints them as integers (no fractional 分 is ever stored). */
const whole = (text: string) => BigInt(text.replace(/\.0*$/, ''));

function normalize(g: GroupSums): GroupSums {
  return { ...g, revenueFen: whole(g.revenueFen).toString(), revenueSq: whole(g.revenueSq).toString() };
}

export function groupResult(g: GroupSums): GroupResult {
  const revenue = Number(BigInt(g.revenueFen));
  return {
    entered: g.entered,
    converted: g.converted,
    conversionRate: g.entered > 0 ? g.converted / g.entered : null,
    revenueFen: revenue,
    revenuePerMemberFen: g.entered > 0 ? Math.round(revenue / g.entered) : null,
  };
}

function sumWhere(rows: DailyRow[], pick: (r: DailyRow) => boolean): GroupSums {
  let acc = ZERO;
  for (const r of rows) if (pick(r)) acc = add(acc, normalize(r));
  return acc;
}

/** The journey's lift over its holdout: Newcombe for the rate, Welch for revenue per member. */
export function liftOf(all: GroupSums, holdout: GroupSums, hasHoldout: boolean): JourneyResults['lift'] {
  if (!hasHoldout) return { unavailable: 'no_holdout' };
  const treatment = minus(all, holdout);
  const rate = liftSummary(
    { successes: treatment.converted, n: treatment.entered },
    { successes: holdout.converted, n: holdout.entered },
  );
  const revenue = revenueLiftSummary(
    { n: treatment.entered, sum: Number(treatment.revenueFen), sumSquares: treatment.revenueSq },
    { n: holdout.entered, sum: Number(holdout.revenueFen), sumSquares: holdout.revenueSq },
  );
  if (!rate || !revenue) return { unavailable: 'too_few' };
  return { rate, revenuePerMember: revenue };
}

/** Per-node counts of one version from its rollup rows; entered = what its incoming edges passed (+ runs, at the trigger). */
export function nodesOfVersion(
  plan: Plan,
  rows: NodeCountRow[],
  runsEntered: number,
): Map<string, NodeResult> {
  const out = new Map<string, NodeResult>();
  const at = (id: string) => {
    let n = out.get(id);
    if (!n) {
      n = {
        nodeId: id,
        entered: 0,
        passed: {},
        waiting: 0,
        skipped: {},
        deferred: {},
        failed: 0,
        endedHere: 0,
        endedBy: {},
        convertedDownstream: 0,
      };
      out.set(id, n);
    }
    return n;
  };
  for (const id of Object.keys(plan.nodes)) at(id);
  const bump = (rec: Record<string, number>, key: string, n: number) => {
    rec[key] = (rec[key] ?? 0) + n;
    if (rec[key] === 0) delete rec[key];
  };
  for (const r of rows) {
    // a run not started yet counts as waiting at the trigger
    const node = at(r.nodeId === '' ? plan.trigger.nodeId : r.nodeId);
    if (r.metric === 'passed') bump(node.passed, r.key, r.n);
    else if (r.metric === 'skipped') bump(node.skipped, r.key, r.n);
    else if (r.metric === 'deferred') bump(node.deferred, r.key, r.n);
    else if (r.metric === 'ended') {
      node.endedHere += r.n;
      bump(node.endedBy, r.key, r.n);
    } else if (r.metric === 'waiting') node.waiting += r.n;
    else if (r.metric === 'failed') node.failed += r.n;
    else if (r.metric === 'converted_downstream') node.convertedDownstream += r.n;
  }
  at(plan.trigger.nodeId).entered += runsEntered;
  for (const node of [...out.values()]) {
    const next = Object.hasOwn(plan.nodes, node.nodeId) ? plan.nodes[node.nodeId].next : {};
    for (const [output, n] of Object.entries(node.passed))
      if (Object.hasOwn(next, output)) at(next[output]).entered += n;
  }
  return out;
}

function mergeNodes(into: Map<string, NodeResult>, from: Map<string, NodeResult>) {
  const merge = (a: Record<string, number>, b: Record<string, number>) => {
    for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
  };
  for (const [id, n] of from) {
    const t = into.get(id);
    if (!t) {
      into.set(id, structuredClone(n));
      continue;
    }
    t.entered += n.entered;
    t.waiting += n.waiting;
    t.failed += n.failed;
    t.endedHere += n.endedHere;
    t.convertedDownstream += n.convertedDownstream;
    merge(t.passed, n.passed);
    merge(t.skipped, n.skipped);
    merge(t.deferred, n.deferred);
    merge(t.endedBy, n.endedBy);
  }
}

/** Per-node counts of a journey (one version, or all summed), the same numbers for the report and the canvas. */
export async function journeyNodeResults(
  db: Kysely<Database>,
  journeyId: string,
  version: number | null,
  plans?: { version: number; plan: Plan }[],
): Promise<NodeResult[]> {
  const all =
    plans ??
    (await versionPlans(db, journeyId)).map((p) => ({ version: p.version, plan: versionPlan(p.plan) }));
  const [rows, enteredBy] = await Promise.all([
    nodeCounts(db, [journeyId], version),
    enteredByVersion(db, journeyId, version),
  ]);
  const merged = new Map<string, NodeResult>();
  for (const { version: v, plan } of all) {
    if (version !== null && v !== version) continue;
    mergeNodes(
      merged,
      nodesOfVersion(
        plan,
        rows.filter((r) => r.version === v),
        enteredBy.get(v) ?? 0,
      ),
    );
  }
  return [...merged.values()];
}

/** Today in a time zone, as YYYY-MM-DD. */
export function todayIn(timeZone: string, now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now));
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export async function journeyResults(
  db: Kysely<Database>,
  workspaceId: string,
  journeyId: string,
  q: { version: number | null; from?: string; to?: string },
): Promise<JourneyResults> {
  const [timeZone, stored] = await Promise.all([
    workspaceTimeZone(db, workspaceId),
    versionPlans(db, journeyId),
  ]);
  const to = q.to ?? todayIn(timeZone);
  const from = q.from ?? addDays(to, -29);
  const plans = stored.map((p) => ({ version: p.version, plan: versionPlan(p.plan) }));
  const shown =
    q.version !== null
      ? plans.find((p) => p.version === q.version)
      : plans.length
        ? plans[plans.length - 1]
        : undefined;
  const [rows, nodes, decisions] = await Promise.all([
    dailyResults(db, journeyId, { version: q.version, from, to }),
    journeyNodeResults(db, journeyId, q.version, plans),
    currentDecisions(db, journeyId),
  ]);
  const all = sumWhere(rows, (r) => r.splitNodeId === '' && r.variant === '');
  const held = sumWhere(rows, (r) => r.splitNodeId === '' && r.variant === 'holdout');
  const shownSplits = shown ? splitNodes(shown.plan) : [];
  const hasHoldout =
    held.entered > 0 ||
    plans.some(
      (p) =>
        (q.version === null || p.version === q.version) &&
        splitNodes(p.plan).some((s) => s.variants.some((v) => v.holdout)),
    );
  const byDay = new Map<string, GroupSums>();
  for (const r of rows)
    if (r.splitNodeId === '' && r.variant === '')
      byDay.set(r.day, add(byDay.get(r.day) ?? ZERO, normalize(r)));
  const goal = shown?.plan.journey.goal;
  return {
    journeyId,
    version: q.version,
    from,
    to,
    timeZone,
    attributionWindowDays: Math.round((goal?.attributionMs ?? DEFAULT_ATTRIBUTION_MS) / DAY),
    totals: { ...groupResult(all), conversionsWithoutValue: all.noValue },
    holdout: hasHoldout ? groupResult(held) : null,
    lift: liftOf(all, held, hasHoldout),
    series: datesBetween(from, to).map((date) => {
      const g = byDay.get(date) ?? ZERO;
      return { date, entered: g.entered, converted: g.converted, revenueFen: Number(BigInt(g.revenueFen)) };
    }),
    splits: shownSplits.map((s) => splitResult(s, rows, decisions)),
    nodes,
  };
}

export function splitResult(
  s: SplitConfig,
  rows: DailyRow[],
  decisions: {
    node_id: string;
    variant: string;
    decided_at: Date;
    decided_by: 'auto' | 'manual';
    actor: string | null;
    numbers: Record<string, unknown>;
  }[],
): SplitResult {
  const groups = s.variants.map((v) => ({
    v,
    sums: sumWhere(rows, (r) => r.splitNodeId === s.nodeId && r.variant === v.id),
  }));
  const competing = groups.filter((g) => !g.v.holdout);
  const rule = winnerRule(s.autoWinner);
  const winner = pickWinner(
    competing.map((g) => ({ id: g.v.id, n: g.sums.entered, successes: g.sums.converted })),
    rule,
  );
  const best =
    competing.length >= 2
      ? probabilityBest(competing.map((g) => ({ n: g.sums.entered, successes: g.sums.converted })))
      : competing.map(() => 1);
  const decision = decisions.find((d) => d.node_id === s.nodeId);
  return {
    nodeId: s.nodeId,
    label: s.label,
    decision: decision
      ? {
          variant: decision.variant,
          decidedAt: decision.decided_at.toISOString(),
          by: decision.decided_by,
          actor: decision.actor,
          numbers: decision.numbers,
        }
      : null,
    autoWinner: { enabled: s.autoWinner.enabled, minPerVariant: rule.minSample, threshold: rule.threshold },
    winner,
    variants: groups.map((g) => ({
      key: g.v.id,
      label: g.v.label,
      holdout: g.v.holdout,
      ...groupResult(g.sums),
      probabilityBest: g.v.holdout ? null : (best[competing.indexOf(g)] ?? null),
    })),
  };
}

/** The journeys list's figures: the last 30 days (workspace time zone, entry days) of each journey. */
export async function results30d(
  db: Kysely<Database>,
  workspaceId: string,
  journeyIds: string[],
): Promise<
  Map<string, { entered: number; converted: number; conversionRate: number | null; revenueFen: number }>
> {
  if (!journeyIds.length) return new Map();
  const to = todayIn(await workspaceTimeZone(db, workspaceId));
  const rows = await journeyTotals(db, journeyIds, addDays(to, -29), to);
  return new Map(
    [...rows].map(([id, r]) => [
      id,
      {
        entered: r.entered,
        converted: r.converted,
        conversionRate: r.entered > 0 ? r.converted / r.entered : null,
        revenueFen: Number(whole(r.revenueFen)),
      },
    ]),
  );
}
