import { z } from 'zod';
import { defineNode } from './define-node.js';
import { reentryFields, reentryProblems, reentryRule } from './schemas.js';

export default defineNode({
  type: 'trigger.manual',
  version: 1,
  category: 'trigger',
  order: 40,
  title: { zh: '手动/名单', en: 'Manual / list' },
  description: {
    zh: '上传名单、调用 API 或选择一个人群进行一次性群发；按旅程的进入速度限制匀速进入',
    en: 'An uploaded list, an API call or a one-off broadcast to an audience, paced by the journey’s entry limit',
  },
  icon: 'UploadOutlined',
  color: '#7c3aed',
  config: z.object({ ...reentryFields }),
  defaults: {},
  outputs: [{ id: 'next', label: { zh: '下一步', en: 'Next' } }],
  summary: { zh: '名单或群发进入', en: 'Entered by list or broadcast' },
  check: reentryProblems,
  behavior: () => ({ kind: 'pass', output: 'next' }),
  trigger: {
    entry: () => ({ on: 'manual' }),
    reentry: reentryRule,
  },
});
