import { lazyPage } from './lazy-page';

// Every page of the app, each fetched the first time it is shown (its own chunk): the canvas with React Flow
// and elkjs, the audiences with their rule builder, the admin pages. A new page goes here, not as a static
// import in the console, or it weighs on every first load — the guide's phone included (npm run bench:bundle).

export const JourneysPage = lazyPage(() => import('../pages/journeys-page').then((m) => m.JourneysPage));
export const EditorPage = lazyPage(() => import('../pages/editor-page').then((m) => m.EditorPage));
export const JourneyRunsPage = lazyPage(() =>
  import('../pages/journey-runs-page').then((m) => m.JourneyRunsPage),
);
// the 效果 tab carries the chart library (ECharts)
export const ResultsPage = lazyPage(() => import('../results/results-page').then((m) => m.default));
export const AudiencesPage = lazyPage(() =>
  import('../audiences/audiences-page').then((m) => m.AudiencesPage),
);
export const AudienceEditorPage = lazyPage(() =>
  import('../audiences/audience-editor-page').then((m) => m.AudienceEditorPage),
);
export const MemberPage = lazyPage(() => import('../members/member-page').then((m) => m.MemberPage));
export const DeliveryPage = lazyPage(() => import('../pages/delivery-page').then((m) => m.DeliveryPage));
export const SettingsPage = lazyPage(() => import('../pages/settings-page').then((m) => m.SettingsPage));
export const UsersPage = lazyPage(() => import('../access/users-page').then((m) => m.UsersPage));
export const KeysPage = lazyPage(() => import('../access/keys-page').then((m) => m.KeysPage));
export const AuditPage = lazyPage(() => import('../access/audit-page').then((m) => m.AuditPage));
export const GuidesPage = lazyPage(() => import('../guides/guides-page').then((m) => m.GuidesPage));
export const CouponsPage = lazyPage(() => import('../coupons/coupons-page').then((m) => m.CouponsPage));
export const TagsPage = lazyPage(() => import('../tags/tags-page').then((m) => m.TagsPage));
// the guide's workbench is not here: it is part of the entry (app-shell.tsx says why)
