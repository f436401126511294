import { z } from 'zod';
import { defineNode } from './define-node.js';

export default defineNode({
  type: 'exit',
  version: 1,
  category: 'flow',
  order: 60,
  title: { zh: '结束', en: 'Exit' },
  description: { zh: '会员在此离开旅程', en: 'The member leaves the journey here' },
  icon: 'StopOutlined',
  color: '#64748b',
  config: z.object({}),
  defaults: {},
  outputs: [],
  summary: { zh: '离开旅程', en: 'Leave the journey' },
  behavior: () => ({ kind: 'end', reason: 'exit_node' }),
});
