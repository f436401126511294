import { z } from 'zod';

/** The journey document is React Flow's own state; extra keys React Flow adds (measured, selected…) are kept out. */
export const journeyDocumentSchema = z.object({
  nodes: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        type: z.string().min(1).max(100),
        position: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
        data: z.record(z.string(), z.unknown()).default({}),
      }),
    )
    .max(2000),
  edges: z
    .array(
      z.object({
        id: z.string().min(1).max(200),
        source: z.string().min(1),
        sourceHandle: z.string().nullish(),
        target: z.string().min(1),
      }),
    )
    .max(5000),
  /** journey-wide settings: goal, exit criteria, priority (see journey-settings.ts); checked when compiled */
  settings: z.record(z.string(), z.unknown()).optional(),
});

export type JourneyDocumentInput = z.input<typeof journeyDocumentSchema>;
export type JourneyDocument = z.output<typeof journeyDocumentSchema>;

export const emptyDocument: JourneyDocument = { nodes: [], edges: [] };
