import { beforeAll, describe, expect, it } from 'vitest';
import { compileJourney } from '../compiler/compile.js';
import type { JourneyDocument } from '../compiler/document.schema.js';
import { edge, node } from '../testing/documents.js';
import { loadNodeRegistry, type NodeRegistry } from './registry.js';

let registry: NodeRegistry;
beforeAll(async () => {
  registry = await loadNodeRegistry();
});

const doc = (data: Record<string, unknown>): JourneyDocument => ({
  nodes: [node('t', 'trigger.event', { event: 'vip' }), node('m', 'message', data), node('x', 'exit')],
  edges: [edge('t', 'm'), edge('m', 'x')],
});

/** Tracked links in a message are checked at publish, with the field they are in (their sending: tracked-links.int). */
describe('message links', () => {
  it('publishes http(s) links in the body, the title and a channel form', () => {
    const body = compileJourney(
      doc({ channel: 'push', body: '新品 {{link "https://shop.example.com/a"}}' }),
      registry,
    );
    expect(body.errors).toEqual([]);
    const sms = compileJourney(
      doc({
        channel: 'sms',
        content: { templateCode: 'SMS_123456', params: { url: '{{link "https://shop.example.com/sms"}}' } },
      }),
      registry,
    );
    expect(sms.errors).toEqual([]);
  });

  it('refuses other links, naming the field', () => {
    const bad = compileJourney(
      doc({ channel: 'push', body: '点击 {{link "javascript:alert(1)"}}' }),
      registry,
    );
    expect(bad.errors).toEqual([
      expect.objectContaining({ nodeId: 'm', field: 'body', message: expect.stringMatching(/http\(s\)/) }),
    ]);
    const unquoted = compileJourney(
      doc({ channel: 'email', title: '{{link https://a.example.com}}', body: 'x' }),
      registry,
    );
    expect(unquoted.errors).toEqual([
      expect.objectContaining({
        nodeId: 'm',
        field: 'title',
        message: expect.stringMatching(/double quotes/),
      }),
    ]);
    const form = compileJourney(
      doc({
        channel: 'sms',
        content: { templateCode: 'SMS_123456', params: { url: '{{link "ftp://files.example.com"}}' } },
      }),
      registry,
    );
    expect(form.errors).toEqual([expect.objectContaining({ nodeId: 'm', field: 'content.params.url' })]);
  });
});
