import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelHarness, isRateLimited } from '../testing/channel-harness.js';
import { fakeSmtp } from '../testing/fake-providers.js';

/** Email over SMTP (nodemailer) against a minimal local SMTP server. */
describe('email channel (SMTP)', () => {
  let h: Awaited<ReturnType<typeof channelHarness>>;
  let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
  const config = {
    channel: 'email',
    content: { subject: '{{member.name}}，您的会员礼', html: '<p>您好 <b>{{member.name}}</b></p>' },
    quietHours: 'ignore',
  };

  beforeAll(async () => {
    h = await channelHarness();
    smtp = await fakeSmtp();
    await h.stack.ok('PUT', '/channel-settings/email', {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: '鱼塘 <noreply@yutang.test>',
    });
  });
  afterAll(async () => {
    await smtp?.close();
    await h?.stack.stop();
  });

  it('sends the mail with member values HTML-escaped in the body', async () => {
    await h.member('em-ok', { name: '<script>x</script>', email: 'ok@member.test' });
    await h.send('em-ok', 'm1', config);
    const mail = smtp.mails.at(-1);
    expect(mail?.to).toEqual(['<ok@member.test>']);
    expect(mail?.data).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(mail?.data).not.toContain('<b><script>');
    const row = await h.message('em-ok', 'm1');
    expect(row).toMatchObject({ status: 'sent', provider: 'email' });
    expect(row.provider_message_id).toContain('@yutang');
  });

  it('a text message (title and body, no form) becomes a plain HTML mail', async () => {
    await h.member('em-text', { name: 'A&B', email: 'text@member.test' });
    await h.send('em-text', 'm1', {
      channel: 'email',
      title: '会员日',
      body: 'Hi {{member.name}}\n<gift>',
      quietHours: 'ignore',
    });
    const mail = smtp.mails.at(-1)?.data ?? '';
    expect(mail).toContain('Subject: =?UTF-8?');
    // the author's text escaped (<gift> is text, not a tag), the member's value escaped, line breaks kept
    expect(mail.replace(/=\r?\n/g, '')).toContain('<p>Hi A&amp;B<br>&lt;gift&gt;</p>');
  });

  it('a duplicate send with the same key sends one mail', async () => {
    await h.member('em-dup', { email: 'dup@member.test' });
    const before = smtp.mails.length;
    await Promise.all([h.send('em-dup', 'm1', config), h.send('em-dup', 'm1', config)]);
    await h.send('em-dup', 'm1', config);
    expect(smtp.mails.length - before).toBe(1);
  });

  it('550 (no such mailbox) fails the step with the server’s reply', async () => {
    await h.member('em-bad', { email: 'gone@member.test' });
    smtp.rejectNextRcpt('550 5.1.1 mailbox unavailable');
    const err = await h.send('em-bad', 'm1', config).catch((e) => e);
    expect(err.name).toBe('NodeFailure');
    expect(err.message).toContain('mailbox unavailable');
    expect((await h.message('em-bad', 'm1')).status).toBe('failed');
  });

  it('451 (try again later) is retried later, then sent once', async () => {
    await h.member('em-limit', { email: 'limit@member.test' });
    smtp.rejectNextRcpt('451 4.7.1 rate limited, try later');
    const before = smtp.mails.length;
    expect(isRateLimited(await h.send('em-limit', 'm1', config).catch((e) => e))).toBe(true);
    await h.send('em-limit', 'm1', config);
    expect((await h.message('em-limit', 'm1')).status).toBe('sent');
    expect(smtp.mails.length - before).toBe(1);
  });
});
