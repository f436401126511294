/**
 * What the guide routes answer (engine/api/routes/guides.routes.ts): the routes check their answers against
 * these (`satisfies`) and the web imports them with `import type`.
 */
import type { GuideTaskStatus } from '../../db/tables/guide.table.js';

export type { GuideTaskStatus };

export interface GuideView {
  id: string;
  name: string;
  wecomUserId: string;
  store: string | null;
  /** the account the guide signs in with */
  userId: string | null;
  active: boolean;
  createdAt: Date;
}

/** A member's owning guide, as the member API shows it (`GET /api/members/:id` → `guide`). */
export interface MemberGuideView {
  id: string;
  name: string;
  wecomUserId: string;
  store: string | null;
  active: boolean;
}

/** A member as their guide sees them: the basic profile, nothing more (contacts masked without `members.pii`). */
export interface GuideMemberView {
  externalId: string;
  name: string | null;
  phone: string | null;
  tags: string[];
}

export interface GuideTaskView {
  id: string;
  guide: { id: string; name: string; store: string | null };
  member: GuideMemberView;
  journeyId: string | null;
  journeyName: string | null;
  runId: string | null;
  title: string;
  /**
   * The script as the guide reads it: the member's name, the run's coupon code, the guide's own name filled in
   * when asked for (engine/guides/guide-script.ts), masked as the viewer sees members.
   */
  script: string;
  /** the script as the journey's node wrote it, `{{member.name}}` and all */
  scriptTemplate: string;
  couponTemplateId: string | null;
  /** the coupon the guide may hand out (the template's name; null if it was deleted) */
  coupon: { templateId: string; name: string | null } | null;
  status: GuideTaskStatus;
  dueAt: Date;
  remindAt: Date | null;
  remindedAt: Date | null;
  doneAt: Date | null;
  note: string | null;
  createdAt: Date;
}

/** One guide's figures in one journey (or all journeys): how many tasks, how many done, how many in time. */
export interface GuideStatsRow {
  guideId: string;
  guideName: string;
  store: string | null;
  journeyId: string | null;
  journeyName: string | null;
  tasks: number;
  open: number;
  done: number;
  overdue: number;
  /** the member left the journey before the task was done: counted in neither rate */
  cancelled: number;
  /** done / tasks (cancelled ones aside); null when there are none */
  completionRate: number | null;
  /** done before the due time / settled tasks (done + overdue); null when none are settled */
  onTimeRate: number | null;
}
