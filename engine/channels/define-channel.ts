import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import type { Localized, MemberSnapshot, RunVars } from '../nodes/define-node.js';

/**
 * How a provider refused a send. `permanent`: no retry will change it (a bad number, a template not approved)
 * — the step fails with the provider's message. `rate_limited`: asked again later (after `retryAfterMs` when the
 * provider said). `transient`: the provider said it did not take the message (busy, a token expired): safe to retry.
 */
export type SendFailureKind = 'permanent' | 'rate_limited' | 'transient';

export interface SendFailure {
  kind: SendFailureKind;
  message: string;
  /** the provider's own code, e.g. `isv.BUSINESS_LIMIT_CONTROL` or `45009` */
  code?: string;
  retryAfterMs?: number;
}

/**
 * `skip`: the member cannot be reached on this channel after all (WeCom: no owning guide) — recorded as a skipped
 * message with the reason, like a guard skip, and the run goes on.
 */
export type SendOutcome =
  /** `pending`: a report will follow (default: when the channel has a callback or a poll) */
  { providerId: string; pending?: boolean } | { failure: SendFailure } | { skip: string };

/** What a channel's `send` gets besides the message: its workspace's credentials and where to reach the provider. */
export interface ChannelContext<C> {
  workspaceId: string;
  credentials: C;
  /** for channels that look something up (WeCom: the member's guide) */
  db: Kysely<Database>;
  /**
   * The network for provider HTTP calls: the workspace's address policy applies (a private, loopback or
   * link-local address is refused unless the workspace allows private addresses), the connection is pinned to
   * the checked address and redirects are not followed. Use it for every call to a URL built from credentials.
   */
  fetch: typeof fetch;
  /**
   * For clients that are not HTTP (SMTP): the checked address to connect to for a host from the credentials,
   * under the same policy. Connect to the address; keep the name for TLS (servername).
   */
  resolveHost(host: string): Promise<string>;
  now(): Date;
}

export interface ChannelSendInput<M> {
  /** the run's `${runId}:${nodeId}:${visit}`: the same for every attempt of one send */
  idempotencyKey: string;
  /** where the member is reached on this channel (the channel's `address` of the member) */
  address: string;
  /** the message form, with `{{member.*}}` / `{{coupon.*}}` variables already filled in */
  message: M;
  member: MemberSnapshot;
  vars: RunVars;
}

/** A delivery status a provider reported for one of its message ids. */
export interface DeliveryUpdate {
  providerId: string;
  status: 'pending' | 'delivered' | 'failed' | 'expired';
  error?: string;
}

export interface ChannelDefinition<C extends z.ZodType = z.ZodType, M extends z.ZodType = z.ZodType> {
  /** stable id stored in journeys and messages, e.g. `sms` */
  id: string;
  label: Localized;
  description: Localized;
  /** position in channel pickers (lower first); channels without one follow the built-ins */
  order?: number;
  /** which member field is the address, in words for the UI and docs, e.g. 手机号 / phone */
  addressLabel: Localized;
  /** the member's address on this channel, or null (the guard then skips with `no_address`) */
  address(member: MemberSnapshot): string | null;
  /**
   * Where the sandbox "sends" while the workspace has no provider for this channel (default: `address`). Channels
   * addressed by a platform id the brand may not have imported yet (openid, external_userid) fall back to the
   * member id, so journeys can be tried out before the provider is set up.
   */
  sandboxAddress?(member: MemberSnapshot): string | null;
  /** the workspace's provider account: what settings ask for; stored sealed, never returned */
  credentials: C;
  /** credential fields that are not secret (shown back in settings, e.g. a base URL); the rest are write-only */
  publicFields?: string[];
  /**
   * Credential fields that say where (and how) requests go — an endpoint, an SMTP host, port or TLS switch.
   * Changing one needs every stored secret field typed again (422 naming them otherwise), so a stored secret is
   * never sent to a new address it was not given for. Default: fields named like endpoint, url, host or port.
   */
  destinationFields?: string[];
  /** what the message node asks for on this channel (rendered as the node's form) */
  message: M;
  /**
   * The form made from a plain text message (the node's `title` / `body`, as journeys written before channels had
   * forms — and templates — carry): channels that can send free text say how; others need their form.
   */
  fromText?(text: { title: string | null; body: string }): z.input<M>;
  /** string fields of the message whose `{{variables}}` are HTML-escaped (an email's HTML body) */
  htmlFields?: string[];
  /** one line for the outbox and the sandbox (what ops read in the message list) */
  preview(message: z.infer<M>): string;
  /** the provider de-duplicates by the idempotency key: after an unknown outcome, asking again is safe */
  deduplicatesByKey?: boolean;
  send(ctx: ChannelContext<z.infer<C>>, input: ChannelSendInput<z.infer<M>>): Promise<SendOutcome>;
  /**
   * Delivery-status callbacks (`POST /api/channels/:channel/callback/:workspaceId?token=…`): the provider's
   * body in, the statuses it reports out.
   */
  parseCallback?(body: string, contentType: string | undefined): DeliveryUpdate[];
  /** asks the provider for the status of messages still `pending` (e.g. WeCom tasks awaiting the guide) */
  poll?(
    ctx: ChannelContext<z.infer<C>>,
    pending: { providerId: string; sentAt: Date }[],
  ): Promise<DeliveryUpdate[]>;
  /**
   * A platform's own allowance per member per calendar month (WeCom mass messages): a budget the guard stage
   * keeps like a frequency cap. `setting` names the workspace setting that may change `default`.
   */
  monthlyQuota?: { setting: 'wecomMonthlyQuota'; default: number };
  /**
   * Why the provider's send would be skipped for this member before any call (WeCom: nobody to send it, no
   * guide), else null. `send` decides with it, and the simulator asks it too, so both say the same.
   */
  skipReason?(db: Kysely<Database>, member: MemberSnapshot): Promise<string | null>;
}

/** Thrown where a send cannot go on (no address, bad form): a step failure, like a permanent provider error. */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

/**
 * Define a channel: one `*.channel.ts` file under engine/channels (default export) is all it takes; the
 * registry finds it, `GET /api/channels` serves its forms, the message node offers it, settings take its
 * credentials. See docs/channels.md.
 *
 * @example
 * export default defineChannel({
 *   id: 'line', label: { zh: 'LINE', en: 'LINE' }, …,
 *   address: (m) => String(m.attributes.line_id ?? '') || null,
 *   credentials: z.object({ token: z.string() }),
 *   message: z.object({ text: z.string() }),
 *   preview: (m) => m.text,
 *   async send(ctx, { address, message }) { … return { providerId: id }; },
 * });
 */
export function defineChannel<C extends z.ZodType, M extends z.ZodType>(
  def: ChannelDefinition<C, M>,
): ChannelDefinition<C, M> {
  if (!/^[a-z][a-z0-9_]{1,31}$/.test(def.id)) throw new Error(`channel id ${def.id}: a-z, 0-9, _ (2–32)`);
  return def;
}

/** The credential fields a channel asks for (its schema's top-level keys). */
export function credentialFields(def: ChannelDefinition): string[] {
  const schema = z.toJSONSchema(def.credentials, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
  };
  return Object.keys(schema.properties ?? {});
}

/** The write-only ones: every credential field that is not a `publicFields` one. */
export function secretFieldsOf(def: ChannelDefinition): string[] {
  return credentialFields(def).filter((f) => !(def.publicFields ?? []).includes(f));
}

const DESTINATION = /endpoint|url|host|port|server|domain/i;

/** The fields that say where requests go: `destinationFields`, else those named like it. */
export function destinationFieldsOf(def: ChannelDefinition): string[] {
  return def.destinationFields ?? credentialFields(def).filter((f) => DESTINATION.test(f));
}

/** Classify an HTTP answer without a provider body we understand: 429 and 5xx are worth another try. */
export function httpFailure(status: number, text: string): SendFailure {
  if (status === 429)
    return { kind: 'rate_limited', message: `HTTP 429: ${text.slice(0, 200)}`, code: '429' };
  if (status >= 500)
    return { kind: 'transient', message: `HTTP ${status}: ${text.slice(0, 200)}`, code: String(status) };
  return { kind: 'permanent', message: `HTTP ${status}: ${text.slice(0, 200)}`, code: String(status) };
}
