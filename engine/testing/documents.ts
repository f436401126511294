import type { JourneyDocument } from '../compiler/document.schema.js';

type Node = JourneyDocument['nodes'][number];
type Edge = JourneyDocument['edges'][number];

/** Small builders for journey documents in tests: nodes laid out top to bottom, edges named after their ends. */
export function node(id: string, type: string, data: Record<string, unknown> = {}, y = 0): Node {
  return { id, type, position: { x: 0, y }, data };
}

export function edge(source: string, target: string, sourceHandle = 'next'): Edge {
  return { id: `${source}-${sourceHandle}-${target}`, source, sourceHandle, target };
}

/**
 * The welcome journey of the product brief: registered → tag → coupon → message with the code →
 * wait for order_paid → thank-you or reminder.
 */
export function welcomeDocument(
  couponTemplateId: string,
  wait = { amount: 3, unit: 'days' },
): JourneyDocument {
  return {
    nodes: [
      node('trigger', 'trigger.event', { event: 'member_registered' }),
      node('tag', 'tag', { add: ['new_member'] }),
      node('coupon', 'coupon', { templateId: couponTemplateId }),
      node('welcome', 'message', {
        channel: 'sms',
        body: '{{member.name}}，欢迎加入！新人券 {{coupon.code}}',
      }),
      node('wait', 'wait.event', { event: 'order_paid', timeout: wait }),
      node('thanks', 'tag', { add: ['first_order'] }),
      node('reminder', 'message', {
        channel: 'sms',
        body: '{{member.name}}，您的新人券 {{coupon.code}} 即将过期',
      }),
      node('end', 'exit'),
      node('no-stock', 'exit'),
    ],
    edges: [
      edge('trigger', 'tag'),
      edge('tag', 'coupon'),
      edge('coupon', 'welcome', 'issued'),
      edge('coupon', 'no-stock', 'unavailable'),
      edge('welcome', 'wait'),
      edge('wait', 'thanks', 'matched'),
      edge('wait', 'reminder', 'timeout'),
      edge('thanks', 'end'),
      edge('reminder', 'end'),
    ],
  };
}
