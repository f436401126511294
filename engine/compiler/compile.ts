import type { z } from 'zod';
import type { Plan, PlanNode } from '../../workflows/plan.js';
import type { NodeDefinition } from '../nodes/define-node.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { JourneyDocument } from './document.schema.js';
import type { Problem } from './problem.js';

export type CompileResult =
  | { ok: true; plan: Plan; errors: [] }
  | { ok: false; plan: null; errors: Problem[] };

const WAIT_KINDS = new Set(['wait.duration', 'wait.event']);

/**
 * Validate a journey document against the node registry and compile it into a plan.
 * Reports every problem it can find in one pass, each tied to a node (and field/output where it applies).
 */
export function compileJourney(doc: JourneyDocument, registry: NodeRegistry): CompileResult {
  const errors: Problem[] = [];
  const byId = new Map<string, JourneyDocument['nodes'][number]>();
  for (const node of doc.nodes) {
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

  // Per node: type, config, node-specific rules, outputs.
  const compiled = new Map<
    string,
    { def: NodeDefinition; config: Record<string, unknown>; outputs: string[] }
  >();
  for (const node of byId.values()) {
    const def = registry.get(node.type);
    if (!def) {
      errors.push({ nodeId: node.id, code: 'unknown_type', message: `unknown node type "${node.type}"` });
      continue;
    }
    const parsed = def.config.safeParse(node.data ?? {});
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push(configProblem(node.id, issue));
      compiled.set(node.id, {
        def,
        config: node.data ?? {},
        outputs: outputIds(registry, def, node.data ?? {}),
      });
      continue;
    }
    const config = parsed.data as Record<string, unknown>;
    for (const p of def.check?.(config) ?? []) {
      errors.push({ nodeId: node.id, field: p.field, code: 'check', message: p.message });
    }
    compiled.set(node.id, { def, config, outputs: outputIds(registry, def, config) });
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

  // A cycle must pass a wait, or a member would loop without pause: look for cycles once waits are removed.
  for (const id of cyclesWithoutWait(next, (nodeId) =>
    WAIT_KINDS.has(compiled.get(nodeId)?.def.kind ?? ''),
  )) {
    errors.push({
      nodeId: id,
      code: 'cycle_without_wait',
      message: 'this loop has no wait on it; add a wait node',
    });
  }

  if (errors.length > 0 || !start) return { ok: false, plan: null, errors };

  const nodes: Record<string, PlanNode> = {};
  for (const id of reachable) {
    const c = compiled.get(id)!;
    nodes[id] = {
      id,
      type: c.def.type,
      typeVersion: c.def.version,
      kind: c.def.kind,
      config: c.config,
      next: next.get(id) ?? {},
    };
  }
  const trigger = compiled.get(start)!;
  return {
    ok: true,
    errors: [],
    plan: {
      planVersion: 1,
      trigger: { nodeId: start, type: trigger.def.type, config: trigger.config },
      nodes,
    },
  };
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
