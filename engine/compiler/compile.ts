import type { z } from 'zod';
import type { Behavior, JsonObject, Plan, PlanNode } from '../../workflows/plan.js';
import { pauses } from '../../workflows/plan.js';
import { behaviorOf, type NodeDefinition } from '../nodes/define-node.js';
import { migrateDocument } from '../nodes/migrate-config.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { RESERVED_IDS } from '../nodes/schemas.js';
import type { JourneyDocument } from './document.schema.js';
import { compileJourneyRules, journeySettingsSchema, settingsChecks } from './journey-settings.js';
import type { Problem } from './problem.js';

export type CompileResult =
  | { ok: true; plan: Plan; errors: [] }
  | { ok: false; plan: null; errors: Problem[] };

/** The most nodes a published journey may have: beyond this it is a mistake, not a journey. */
export const MAX_JOURNEY_NODES = 500;
/** Node ids become plan keys, React Flow ids and parts of idempotency keys: keep them plain. */
const NODE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;

/**
 * Validate a journey document against the node registry and compile it into a plan.
 * Reports every problem it can find in one pass, each tied to a node (and field/output where it applies);
 * journey-level problems (settings, size, the trigger count) have the node id ''.
 */
export function compileJourney(written: JourneyDocument, registry: NodeRegistry): CompileResult {
  // A journey saved with older node versions compiles with its configs brought up to date.
  const { document: doc, problems: versionProblems } = migrateDocument(written, registry);
  const errors: Problem[] = [...versionProblems];
  const stale = new Set(versionProblems.map((p) => p.nodeId));
  if (doc.nodes.length > MAX_JOURNEY_NODES) {
    errors.push({
      nodeId: '',
      code: 'too_large',
      message: `a journey has at most ${MAX_JOURNEY_NODES} nodes; this one has ${doc.nodes.length}`,
    });
  }
  const settings = journeySettingsSchema.safeParse(doc.settings ?? {});
  if (!settings.success) {
    for (const issue of settings.error.issues) errors.push(settingsProblem(issue));
  } else {
    for (const p of settingsChecks(settings.data))
      errors.push({ nodeId: '', field: `settings.${p.field}`, code: 'invalid_settings', message: p.message });
  }
  const byId = new Map<string, JourneyDocument['nodes'][number]>();
  for (const node of doc.nodes) {
    if (!NODE_ID.test(node.id) || RESERVED_IDS.has(node.id)) {
      errors.push({
        nodeId: node.id,
        code: 'invalid_id',
        message: 'a node id is letters, digits and _ . : - (max 100), and not a reserved name',
      });
      continue;
    }
    if (byId.has(node.id)) {
      errors.push({ nodeId: node.id, code: 'duplicate_id', message: `two nodes share the id ${node.id}` });
      continue;
    }
    byId.set(node.id, node);
  }
  const edgeIds = new Set<string>();
  for (const edge of doc.edges) {
    if (edgeIds.has(edge.id)) {
      errors.push({
        nodeId: edge.source,
        edgeId: edge.id,
        code: 'duplicate_id',
        message: `two edges share the id ${edge.id}`,
      });
    }
    edgeIds.add(edge.id);
  }

  // Per node: type, config, node-specific rules, outputs, and the behaviour its type gives it.
  const compiled = new Map<
    string,
    { def: NodeDefinition; config: JsonObject; outputs: string[]; behavior: Behavior | null }
  >();
  for (const node of byId.values()) {
    const def = registry.get(node.type);
    if (!def) {
      errors.push({ nodeId: node.id, code: 'unknown_type', message: `unknown node type "${node.type}"` });
      continue;
    }
    if (stale.has(node.id)) {
      // its config is of a version this registry cannot read: reported above, not checked against today's schema
      compiled.set(node.id, {
        def,
        config: node.data ?? {},
        outputs: outputIds(registry, def, node.data ?? {}),
        behavior: null,
      });
      continue;
    }
    const parsed = def.config.safeParse(node.data ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(configProblem(node.id, issue));
      compiled.set(node.id, {
        def,
        config: node.data ?? {},
        outputs: outputIds(registry, def, node.data ?? {}),
        behavior: null,
      });
      continue;
    }
    const config = parsed.data as JsonObject;
    const checks = def.check?.(config) ?? [];
    for (const p of checks) {
      errors.push({ nodeId: node.id, field: p.field, code: 'check', message: p.message });
    }
    const outputs = outputIds(registry, def, config);
    compiled.set(node.id, {
      def,
      config,
      outputs,
      behavior: checks.length ? null : behaviorOf(def, config, outputs),
    });
  }

  const triggers = [...compiled.entries()].filter(([, c]) => c.def.category === 'trigger').map(([id]) => id);
  if (triggers.length === 0) {
    errors.push({
      nodeId: '',
      code: 'trigger_count',
      message: 'a journey needs exactly one trigger; add one',
    });
  }
  for (const extra of triggers.slice(1)) {
    errors.push({
      nodeId: extra,
      code: 'trigger_count',
      message: 'a journey has exactly one trigger; remove this one',
    });
  }

  // Edges: both ends exist, the output exists, nothing points at a trigger, one edge per output.
  const next = new Map<string, Record<string, string>>();
  for (const edge of doc.edges) {
    const source = compiled.get(edge.source);
    const target = byId.get(edge.target);
    if (!byId.has(edge.source) || !target) {
      const nodeId = byId.has(edge.source) ? edge.source : target ? edge.target : '';
      errors.push({
        nodeId,
        edgeId: edge.id,
        code: 'edge_dangling',
        message: 'this connection leads to a node that does not exist',
      });
      continue;
    }
    if (!source) continue; // unknown type: already reported
    const handle = edge.sourceHandle ?? (source.outputs.length === 1 ? source.outputs[0] : undefined);
    if (!handle || !source.outputs.includes(handle)) {
      errors.push({
        nodeId: edge.source,
        edgeId: edge.id,
        output: handle ?? undefined,
        code: 'edge_dangling',
        message: handle ? `this node has no output "${handle}"` : 'connect from one of the node’s outputs',
      });
      continue;
    }
    if (compiled.get(edge.target)?.def.category === 'trigger') {
      errors.push({
        nodeId: edge.target,
        edgeId: edge.id,
        code: 'edge_to_trigger',
        message: 'a trigger cannot have incoming connections',
      });
      continue;
    }
    const outs = next.get(edge.source) ?? {};
    if (outs[handle] !== undefined && outs[handle] !== edge.target) {
      errors.push({
        nodeId: edge.source,
        edgeId: edge.id,
        output: handle,
        code: 'output_ambiguous',
        message: `output "${handle}" is connected twice; keep one connection`,
      });
      continue;
    }
    outs[handle] = edge.target;
    next.set(edge.source, outs);
  }

  for (const [id, c] of compiled) {
    const outs = next.get(id) ?? {};
    for (const output of c.outputs) {
      if (!outs[output]) {
        errors.push({
          nodeId: id,
          output,
          code: 'output_unconnected',
          message: `output "${output}" is not connected`,
        });
      }
    }
  }

  // Reachability from the trigger.
  const start = triggers[0];
  const reachable = new Set<string>();
  if (start) {
    const stack = [start];
    while (stack.length) {
      const id = stack.pop()!;
      if (reachable.has(id)) continue;
      reachable.add(id);
      for (const target of Object.values(next.get(id) ?? {})) stack.push(target);
    }
    for (const id of byId.keys()) {
      if (!reachable.has(id) && compiled.get(id)?.def.category !== 'trigger') {
        errors.push({
          nodeId: id,
          code: 'unreachable',
          message: 'no path from the trigger reaches this node',
        });
      }
    }
  }

  for (const p of holdoutProblems(start, next, compiled)) errors.push(p);

  // A cycle must pass a wait, or a member would loop without pause: look for cycles once waits are removed.
  for (const id of cyclesWithoutWait(next, (nodeId) => {
    const b = compiled.get(nodeId)?.behavior;
    return b ? pauses(b) : false;
  })) {
    errors.push({
      nodeId: id,
      code: 'cycle_without_wait',
      message: 'this loop has no wait on it; add a wait node',
    });
  }

  if (errors.length > 0 || !start || !settings.success) return { ok: false, plan: null, errors };

  // Built on a null prototype: node ids are data, never object internals.
  const nodes: Record<string, PlanNode> = Object.create(null);
  for (const id of reachable) {
    const c = compiled.get(id)!;
    nodes[id] = {
      id,
      type: c.def.type,
      typeVersion: c.def.version,
      behavior: c.behavior!,
      config: c.config,
      next: next.get(id) ?? {},
    };
  }
  const trigger = compiled.get(start)!;
  const entry = trigger.def.trigger!;
  return {
    ok: true,
    errors: [],
    plan: {
      planVersion: 2,
      trigger: {
        nodeId: start,
        type: trigger.def.type,
        config: trigger.config,
        entry: entry.entry(trigger.config),
        reentry: entry.reentry?.(trigger.config) ?? { mode: 'once', cooldownMs: null },
      },
      journey: compileJourneyRules(settings.data),
      nodes: { ...nodes },
    },
  };
}

/**
 * A holdout group gets no message or coupon: an action that reaches the member and can be reached only
 * through a holdout output is refused (one shared with other groups is skipped at run time for held-out members).
 */
function holdoutProblems(
  start: string | undefined,
  next: Map<string, Record<string, string>>,
  compiled: Map<string, { behavior: Behavior | null }>,
): Problem[] {
  if (!start) return [];
  const holdoutEdges = new Set<string>();
  const holdoutTargets: string[] = [];
  for (const [id, c] of compiled) {
    const b = c.behavior;
    if (b?.kind !== 'route' || b.by !== 'bucket') continue;
    for (const v of b.variants) {
      const target = next.get(id)?.[v.output];
      if (v.holdout && target) {
        holdoutEdges.add(`${id}>${v.output}`);
        holdoutTargets.push(target);
      }
    }
  }
  if (!holdoutTargets.length) return [];
  const walk = (roots: string[], skipHoldout: boolean) => {
    const seen = new Set<string>();
    const stack = [...roots];
    while (stack.length) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const [output, target] of Object.entries(next.get(id) ?? {}))
        if (!skipHoldout || !holdoutEdges.has(`${id}>${output}`)) stack.push(target);
    }
    return seen;
  };
  const others = walk([start], true);
  return [...walk(holdoutTargets, false)]
    .filter((id) => !others.has(id))
    .filter((id) => {
      const b = compiled.get(id)?.behavior;
      return b?.kind === 'action' && b.reachesMember === true;
    })
    .map((nodeId) => ({
      nodeId,
      code: 'holdout_contact' as const,
      message: 'only the holdout group reaches this node: a holdout gets no messages or coupons',
    }));
}

function settingsProblem(issue: z.core.$ZodIssue): Problem {
  const field = ['settings', ...issue.path.map(String)].join('.');
  return { nodeId: '', field, code: 'invalid_settings', message: issue.message };
}

function outputIds(registry: NodeRegistry, def: NodeDefinition, config: Record<string, unknown>): string[] {
  return registry.outputsOf(def, config).map((o) => o.id);
}

function configProblem(nodeId: string, issue: z.core.$ZodIssue): Problem {
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
  return { nodeId, field, code: 'invalid_config', message: issue.message };
}

/** Nodes on a cycle in the graph without wait nodes (Tarjan's SCC; iterative to survive big journeys). */
function cyclesWithoutWait(
  next: Map<string, Record<string, string>>,
  isWait: (id: string) => boolean,
): string[] {
  const succ = (id: string) => Object.values(next.get(id) ?? {}).filter((t) => !isWait(t));
  const nodes = [...new Set([...next.keys(), ...[...next.values()].flatMap((o) => Object.values(o))])].filter(
    (id) => !isWait(id),
  );
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[] = [];
  for (const root of nodes) {
    if (idx.has(root)) continue;
    const work: { id: string; children: string[]; i: number }[] = [];
    const visit = (id: string) => {
      idx.set(id, index);
      low.set(id, index);
      index++;
      stack.push(id);
      onStack.add(id);
      work.push({ id, children: succ(id), i: 0 });
    };
    visit(root);
    while (work.length) {
      const frame = work[work.length - 1];
      if (frame.i < frame.children.length) {
        const child = frame.children[frame.i++];
        if (!idx.has(child)) visit(child);
        else if (onStack.has(child)) low.set(frame.id, Math.min(low.get(frame.id)!, idx.get(child)!));
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === idx.get(frame.id)) {
        const scc: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          scc.push(member);
        } while (member !== frame.id);
        const selfLoop = scc.length === 1 && succ(scc[0]).includes(scc[0]);
        if (scc.length > 1 || selfLoop) result.push(...scc);
      }
    }
  }
  return result;
}
