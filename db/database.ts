import type {
  AccountTokenTable,
  ApiKeyTable,
  InvitationTable,
  SessionTable,
  UserTable,
  WorkspaceMemberTable,
} from './tables/account.table.js';
import type { AuditLogTable, RateLimitTable } from './tables/audit.table.js';
import type {
  CouponTable,
  CouponTemplateTable,
  EventNameCountTable,
  NodeEffectTable,
} from './tables/coupon.table.js';
import type { EventTable } from './tables/event.table.js';
import type { ContactLedgerTable, GuardIntentTable } from './tables/guard.table.js';
import type { GuideReminderTable, GuideTable, GuideTaskTable } from './tables/guide.table.js';
import type { MemberIdentityTable, SdkReceiptTable } from './tables/identity.table.js';
import type { JourneyHoldoutTable, JourneyTable, JourneyVersionTable } from './tables/journey.table.js';
import type { LinkClickerTable, LinkTable, MessageFunnelTable } from './tables/link.table.js';
import type { MemberErasureTable, MemberTable, MemberTagTable } from './tables/member.table.js';
import type { ChannelCredentialTable, MessageTable, StaffMessageTable } from './tables/message.table.js';
import type {
  ConversionTable,
  JourneyDailyResultTable,
  JourneyNodeCountTable,
  SplitDecisionTable,
} from './tables/results.table.js';
import type { JourneyRunCountTable, RunStepTable, RunTable } from './tables/run.table.js';
import type { WorkspaceSecretTable } from './tables/secret.table.js';
import type {
  BroadcastMemberTable,
  BroadcastTable,
  EntrySkipTable,
  MemberEventStatsTable,
  SegmentMemberTable,
  SegmentTable,
} from './tables/segment.table.js';
import type { WorkspaceTable } from './tables/workspace.table.js';

/** The one source of truth for table types; every table is scoped by `workspace_id`. */
export interface Database {
  workspaces: WorkspaceTable;
  members: MemberTable;
  member_tags: MemberTagTable;
  member_erasures: MemberErasureTable;
  member_identities: MemberIdentityTable;
  sdk_receipts: SdkReceiptTable;
  events: EventTable;
  journeys: JourneyTable;
  journey_versions: JourneyVersionTable;
  runs: RunTable;
  run_steps: RunStepTable;
  journey_run_counts: JourneyRunCountTable;
  messages: MessageTable;
  channel_credentials: ChannelCredentialTable;
  workspace_secrets: WorkspaceSecretTable;
  staff_messages: StaffMessageTable;
  coupon_templates: CouponTemplateTable;
  event_name_counts: EventNameCountTable;
  coupons: CouponTable;
  node_effects: NodeEffectTable;
  journey_holdouts: JourneyHoldoutTable;
  contact_ledger: ContactLedgerTable;
  guard_intents: GuardIntentTable;
  segments: SegmentTable;
  segment_members: SegmentMemberTable;
  member_event_stats: MemberEventStatsTable;
  broadcasts: BroadcastTable;
  broadcast_members: BroadcastMemberTable;
  entry_skips: EntrySkipTable;
  users: UserTable;
  workspace_members: WorkspaceMemberTable;
  sessions: SessionTable;
  invitations: InvitationTable;
  account_tokens: AccountTokenTable;
  api_keys: ApiKeyTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitTable;
  guides: GuideTable;
  guide_tasks: GuideTaskTable;
  guide_reminders: GuideReminderTable;
  conversions: ConversionTable;
  journey_daily_results: JourneyDailyResultTable;
  journey_node_counts: JourneyNodeCountTable;
  split_decisions: SplitDecisionTable;
  links: LinkTable;
  link_clickers: LinkClickerTable;
  message_funnel: MessageFunnelTable;
}

export const DEFAULT_WORKSPACE = 'default';
