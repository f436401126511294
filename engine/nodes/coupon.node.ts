import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { CouponKind } from '../../db/tables/coupon.table.js';
import { couponWords } from '../coupons/coupon-words.js';
import { defineNode } from './define-node.js';
import { NodeFailure } from './node-failure.js';
import { label } from './schemas.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: codes are read aloud in stores

function newCode(): string {
  const bytes = randomBytes(10);
  return `YT${[...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('')}`;
}

export default defineNode({
  type: 'coupon',
  version: 1,
  category: 'action',
  order: 20,
  reachesMember: true,
  skipOutput: 'unavailable',
  title: { zh: '发优惠券', en: 'Issue coupon' },
  description: {
    zh: '按券模板发放优惠券（每次运行只发一张），后续消息可用 {{coupon.code}} 引用券码、{{coupon.words}} 引用面额（如「满 199 减 20」「8 折」）；库存用完或券已停发时走「无库存」并记录原因',
    en: 'Issue a coupon from a template (once per run); later messages can use {{coupon.code}} and {{coupon.words}} (e.g. 「8 折」); out of stock or stopped takes “Unavailable”, with the reason recorded',
  },
  icon: 'GiftOutlined',
  color: '#db2777',
  config: z.object({
    templateId: z
      .string()
      .uuid('choose a coupon template')
      .meta({ ...label('券模板', 'Coupon template'), 'x-widget': 'couponTemplate' }),
  }),
  defaults: { templateId: '' },
  outputs: [
    { id: 'issued', label: { zh: '已发放', en: 'Issued' } },
    { id: 'unavailable', label: { zh: '无库存', en: 'Unavailable' } },
  ],
  summary: { zh: '发券 {{templateId}}', en: 'Coupon {{templateId}}' },
  simulate: (config) => ({
    output: 'issued',
    vars: {
      coupon: {
        code: 'SIMULATED',
        kind: 'amount',
        value: 0,
        words: '',
        expiresAt: null,
        templateId: config.templateId,
      },
    },
  }),
  async run(ctx, config) {
    return ctx.db.transaction().execute(async (trx) => {
      // Lock the template row: stock is checked and taken atomically, and concurrent retries queue here.
      const template = await trx
        .selectFrom('coupon_templates')
        .selectAll()
        .where('id', '=', config.templateId)
        .where('workspace_id', '=', ctx.workspaceId)
        .forUpdate()
        .executeTakeFirst();
      if (!template)
        throw new NodeFailure(
          'coupon_template_missing',
          `coupon template ${config.templateId} does not exist`,
        );
      const coupon = await trx
        .selectFrom('coupons')
        .selectAll()
        .where('idempotency_key', '=', ctx.idempotencyKey)
        .executeTakeFirst();
      if (coupon) return issued(coupon, template);
      // Not issued, and said why: the step records the reason (ops see 「库存不足」 / 「券已停发」 on the run).
      if (template.status === 'stopped')
        return {
          output: 'unavailable',
          detail: {
            skipped: true,
            reason: 'coupon_stopped',
            templateId: template.id,
            templateName: template.name,
          },
        };
      if (template.stock !== null && template.issued >= template.stock) {
        return {
          output: 'unavailable',
          detail: {
            skipped: true,
            reason: 'out_of_stock',
            templateId: template.id,
            templateName: template.name,
            stock: template.stock,
          },
        };
      }
      const expiresAt = new Date(ctx.now().getTime() + template.valid_days * 86_400_000);
      const row = await trx
        .insertInto('coupons')
        .values({
          workspace_id: ctx.workspaceId,
          template_id: template.id,
          member_id: ctx.member.id,
          run_id: ctx.runId,
          journey_id: ctx.journeyId,
          node_id: ctx.nodeId,
          code: newCode(),
          idempotency_key: ctx.idempotencyKey,
          expires_at: expiresAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx
        .updateTable('coupon_templates')
        .set({ issued: sql`issued + 1` })
        .where('id', '=', template.id)
        .execute();
      return issued(row, template);
    });
  },
});

function issued(
  coupon: { id: string; code: string; expires_at: Date | null },
  template: { id: string; kind: CouponKind; value: number; threshold: number | null; name: string },
) {
  const expiresAt = coupon.expires_at ? coupon.expires_at.toISOString() : null;
  return {
    output: 'issued',
    detail: { couponId: coupon.id, code: coupon.code, templateId: template.id, templateName: template.name },
    vars: {
      coupon: {
        code: coupon.code,
        kind: template.kind,
        value: template.value,
        threshold: template.threshold,
        words: couponWords(template),
        expiresAt,
        templateId: template.id,
      },
    },
  };
}
