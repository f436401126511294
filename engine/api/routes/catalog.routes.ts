import { relative } from 'node:path';
import { Hono } from 'hono';
import { z } from 'zod';
import { maskContacts } from '../../auth/mask.js';
import { can } from '../../auth/principal.js';
import { journeySettingsSchema } from '../../compiler/journey-settings.js';
import { isLocalBase, linkBaseUrl } from '../../links/link-base.js';
import { rendersHtml, renderTemplate, trackableUrl } from '../../render/template.js';
import { findMemberIdByExternalId, memberSnapshot } from '../../repositories/member.repository.js';
import { loadPersonalAttributes } from '../../settings/workspace-settings.js';
import type { AppDeps, AppEnv } from '../deps.js';
import { documented, openApiDocument } from '../openapi.js';
import { body, externalId, safeText } from '../validate.js';
import type { NodeTypesResponse } from '../views.js';

const renderBody = z.object({
  body: safeText(20_000),
  title: safeText(200).optional(),
  memberId: externalId.optional(),
  /** the channel the message goes to: variables are HTML-escaped for channels that render HTML (email) */
  channel: safeText(40, { line: true }).optional(),
});

documented({
  method: 'get',
  path: '/api/openapi.json',
  summary: 'This document',
  tag: 'meta',
  permission: 'public',
});
documented({
  method: 'get',
  path: '/api/node-types',
  summary: 'The node registry, config schemas as JSON Schema',
  tag: 'meta',
  permission: 'journeys.read',
});
documented({
  method: 'post',
  path: '/api/render',
  summary: 'Render a message template for a member or a sample member',
  tag: 'catalog',
  body: renderBody,
  permission: 'journeys.read',
  // a preview: nothing is written
  audit: false,
});

/** Codes a message preview shows its tracked links with: the length and look of the real ones. */
const SAMPLE_CODES = ['Ab3dE5gH', 'Kx7pQ2mN', 'r4TzW8vL', 'Hn2cY6sB'];

const SAMPLE_MEMBER = {
  id: 'sample',
  externalId: 'sample',
  name: '王小明',
  phone: '13800000000',
  email: 'xiaoming@example.com',
  timezone: 'Asia/Shanghai',
  attributes: { city: '上海', level: 'gold', points: 1200 },
  consent: {},
  tags: ['new_member'],
};

export function catalogRoutes({ db, registry }: AppDeps) {
  const app = new Hono<AppEnv>();

  const nodeTypes = registry.describe();
  // The journey settings panel is a generated form too: its schema travels with the node types.
  const journeySettings = {
    // a plain object schema (never `true`/`false`), read like node types' config schemas
    configSchema: z.toJSONSchema(journeySettingsSchema, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >,
    defaults: { exits: [], priority: 5 },
  };
  // Node files or packages that failed to load at start (broken file, duplicate type id), for developers.
  const problems = registry.problems.map((p) => ({
    ...p,
    source: relative(process.cwd(), p.source) || p.source,
  }));
  app.get('/node-types', (c) => c.json({ nodeTypes, journeySettings, problems } satisfies NodeTypesResponse));

  app.get('/openapi.json', (c) => c.json(openApiDocument()));

  app.post('/render', async (c) => {
    const input = await body(c, renderBody);
    const id = input.memberId
      ? await findMemberIdByExternalId(db, c.get('workspaceId'), input.memberId)
      : null;
    const found = id && (await memberSnapshot(db, id));
    // A viewer's preview renders the member as masked as everywhere else, before rendering: the answer is
    // a rendered string, so `{{member.attributes}}` would otherwise carry what the answer's masking cannot see.
    const member =
      found && !can(c.get('principal'), 'members.pii')
        ? (maskContacts(found, await loadPersonalAttributes(db, c.get('workspaceId'))) as typeof found)
        : found || SAMPLE_MEMBER;
    const scope = {
      member,
      coupon: { code: 'YTSAMPLE8K2Q', kind: 'amount', value: 20, words: '直减 20 元' },
    };
    // a tracked link reads as the member will see it: the short address, a sample code for each destination
    const base = linkBaseUrl();
    const samples = new Map<string, string>();
    const options = {
      html: rendersHtml(input.channel),
      links: (url: string) => {
        if (!trackableUrl(url)) return undefined;
        if (!samples.has(url))
          samples.set(url, `${base}/l/${SAMPLE_CODES[samples.size % SAMPLE_CODES.length]}`);
        return samples.get(url);
      },
    };
    return c.json({
      body: renderTemplate(input.body, scope, options),
      title: input.title ? renderTemplate(input.title, scope, options) : null,
      sample: member === SAMPLE_MEMBER,
      // links that would point at this machine: a member's phone cannot open them (README: Tracked links)
      linksLocal: samples.size > 0 && isLocalBase(base),
    });
  });

  return app;
}
