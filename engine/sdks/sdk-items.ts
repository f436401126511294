import type { Problem, ProfileOp } from './profile.js';

/** Whom a call is about: a member by the brand's id, or a device id that may be linked to one. */
export type Who = { kind: 'member'; externalId: string } | { kind: 'anonymous'; id: string };

/**
 * One thing a foreign SDK's request asks for, in the order sent. Both adapters (Segment, Sensors) map their
 * payloads onto these; the service applies them on top of the ingest service, whatever that becomes.
 */
export type SdkItem =
  | {
      kind: 'event';
      /** which message of the request (for the answer and the log) */
      index: number;
      who: Who;
      name: string;
      properties: Record<string, unknown>;
      occurredAt: Date;
      /** the idempotency id (`seg:<messageId>`, `sa:<digest>`): a resent event is stored once */
      id?: string;
    }
  | { kind: 'profile'; index: number; who: Who; op: ProfileOp; receipt?: string }
  /** the device id `identity` belongs to the member `externalId` from now on */
  | { kind: 'link'; index: number; identity: string; externalId: string }
  /** a call we accept but do not act on, with the reason ops see */
  | { kind: 'skip'; index: number; type: string; reason: SkipReason; message: string };

export type SkipReason =
  /** only a device id, not linked to any member */
  | 'anonymous'
  /** a type Yutang has no use for (Segment group, Sensors item_set…) */
  | 'unsupported_type';

export interface MappedRequest {
  items: SdkItem[];
  /** the first problems; any problem refuses the whole request (400), nothing is written */
  problems: Problem[];
}

/** Segment and Sensors both allow more than Yutang's event names: the same rule (`$` for Sensors' presets). */
export const EVENT_NAME = /^[A-Za-z0-9_.:$-]+$/;
