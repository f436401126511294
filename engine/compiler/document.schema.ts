import { z } from 'zod';
import { jsonPayload, safeText } from '../api/validate.js';

/**
 * Ids of nodes and edges, and output handles: letters, digits, `_` and `-` — they key objects in the plan, name
 * workflow steps and appear in URLs — and never a name JavaScript objects already have.
 */
export const NODE_ID = /^[A-Za-z0-9_-]+$/;
// every name a plain object already answers to (`toString`, `isPrototypeOf`, `__proto__`…), and `prototype`
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function documentId(max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .regex(NODE_ID, 'letters, digits, _ and - only')
    .refine((id) => !RESERVED.has(id), { message: 'a reserved name; choose another id' });
}

/** A canvas coordinate: finite, and well inside what any screen scrolls to. */
const coordinate = z.number().min(-1e7).max(1e7);

/** A node's config, as the canvas saves it: the registry's schema checks it at compile time. */
const NODE_DATA_MAX_BYTES = 32 * 1024;

/** The journey document is React Flow's own state; extra keys React Flow adds (measured, selected…) are kept out. */
export const journeyDocumentSchema = z.object({
  nodes: z
    .array(
      z.object({
        id: documentId(64),
        type: safeText(100, { min: 1 })
          .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
          .refine((t) => !RESERVED.has(t), { message: 'not a node type' }),
        /** the node type's version its config was written for; absent: the installed one (see migrate-config.ts) */
        version: z.number().int().min(1).max(1_000_000).optional(),
        position: z.object({ x: coordinate, y: coordinate }).default({ x: 0, y: 0 }),
        data: jsonPayload(NODE_DATA_MAX_BYTES).default({}),
      }),
    )
    .max(2000),
  edges: z
    .array(
      z.object({
        id: documentId(200),
        source: documentId(64),
        sourceHandle: documentId(64).nullish(),
        target: documentId(64),
      }),
    )
    .max(5000),
  /** journey-wide settings: goal, exit criteria, priority (see journey-settings.ts); checked when compiled */
  settings: z.record(z.string(), z.unknown()).optional(),
});

export type JourneyDocumentInput = z.input<typeof journeyDocumentSchema>;
export type JourneyDocument = z.output<typeof journeyDocumentSchema>;

export const emptyDocument: JourneyDocument = { nodes: [], edges: [] };
