import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { signRpc } from '../channels/sms.channel.js';

/**
 * Local fakes of the providers' documented HTTP APIs, for tests: they check what a real provider checks (the
 * Aliyun signature, the access_token) and answer in the provider's shape — success, error codes and rate limits.
 * Each records the calls it got; `script` queues the answers of the next calls (then the default: success).
 */
export interface FakeCall {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | string;
}

interface FakeHttp<A> {
  url: string;
  calls: FakeCall[];
  /** answers for the next calls of `path`, in order (`path` as the provider names it, e.g. `SendSms`) */
  script(path: string, ...answers: A[]): void;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function queue<A>() {
  const scripted = new Map<string, A[]>();
  return {
    script: (path: string, ...answers: A[]) =>
      scripted.set(path, [...(scripted.get(path) ?? []), ...answers]),
    next: (path: string): A | undefined => scripted.get(path)?.shift(),
  };
}

export type AliyunAnswer = { status?: number; body: Record<string, unknown> };

/**
 * Alibaba Cloud Dysmsapi `SendSms` (RPC, form-encoded POST, HMAC-SHA1 signature with the AccessKey Secret).
 * Default answer: `{ Code: 'OK', BizId }`; a bad signature gets `SignatureDoesNotMatch` like the real one.
 */
export async function fakeAliyunSms(opts: {
  accessKeyId: string;
  accessKeySecret: string;
}): Promise<FakeHttp<AliyunAnswer>> {
  const calls: FakeCall[] = [];
  const q = queue<AliyunAnswer>();
  let n = 0;
  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    const params = Object.fromEntries(new URLSearchParams(text));
    const action = params.Action ?? '';
    calls.push({ path: action, query: {}, body: params });
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ RequestId: `req-${++n}`, ...body }));
    };
    const { Signature, ...signed } = params;
    if (params.AccessKeyId !== opts.accessKeyId)
      return reply(404, {
        Code: 'InvalidAccessKeyId.NotFound',
        Message: 'Specified access key is not found.',
      });
    if (signRpc('POST', signed, opts.accessKeySecret) !== Signature)
      return reply(400, {
        Code: 'SignatureDoesNotMatch',
        Message: 'Specified signature is not matched with our calculation.',
      });
    if (action !== 'SendSms') return reply(400, { Code: 'InvalidAction.NotFound', Message: action });
    for (const k of ['PhoneNumbers', 'SignName', 'TemplateCode'])
      if (!params[k]) return reply(400, { Code: 'MissingParameter', Message: `${k} is mandatory` });
    const answer = q.next('SendSms');
    if (answer) return reply(answer.status ?? 200, answer.body);
    reply(200, { Code: 'OK', Message: 'OK', BizId: `${900000 + n}^0` });
  });
  const url = await listen(server);
  return { url, calls, script: q.script, close: () => new Promise((r) => server.close(() => r())) };
}

export type WeixinAnswerScript = Record<string, unknown>;

/**
 * WeCom (`/cgi-bin/gettoken`, `externalcontact/add_msg_template`, `get_groupmsg_task`,
 * `get_groupmsg_send_result`, `message/send`) and the WeChat official account (`/cgi-bin/token`,
 * `message/template/send`) on one server: both check the access_token they issued (40014 otherwise) and answer
 * `{ errcode: 0, errmsg: 'ok', … }` by default.
 */
export async function fakeWeixin(opts: {
  id: string;
  secrets: string[];
}): Promise<FakeHttp<WeixinAnswerScript> & { tokensIssued(): number; revokeTokens(): void }> {
  const calls: FakeCall[] = [];
  const q = queue<WeixinAnswerScript>();
  let tokens = new Set<string>();
  let issued = 0;
  let msg = 0;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const text = req.method === 'POST' ? await readBody(req) : '';
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const path = url.pathname.replace(/^\/cgi-bin\//, '');
    calls.push({ path, query, body });
    const reply = (answer: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    if (path === 'gettoken' || path === 'token') {
      const id = query.corpid ?? query.appid;
      const secret = query.corpsecret ?? query.secret;
      if (id !== opts.id)
        return reply({ errcode: path === 'token' ? 40013 : 40013, errmsg: 'invalid appid' });
      if (!opts.secrets.includes(secret)) return reply({ errcode: 40001, errmsg: 'invalid credential' });
      const token = `tok-${++issued}`;
      tokens.add(token);
      return reply(
        path === 'token'
          ? { access_token: token, expires_in: 7200 }
          : { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 },
      );
    }
    if (!tokens.has(query.access_token)) return reply({ errcode: 40014, errmsg: 'invalid access_token' });
    const answer = q.next(path);
    if (answer) return reply(answer);
    if (path === 'externalcontact/add_msg_template')
      return reply({ errcode: 0, errmsg: 'ok', fail_list: [], msgid: `msgGCAAAX${++msg}` });
    if (path === 'externalcontact/get_groupmsg_task')
      return reply({
        errcode: 0,
        errmsg: 'ok',
        next_cursor: '',
        task_list: [{ userid: 'guide', status: 0 }],
      });
    if (path === 'externalcontact/get_groupmsg_send_result')
      return reply({ errcode: 0, errmsg: 'ok', next_cursor: '', send_list: [] });
    if (path === 'message/send')
      return reply({
        errcode: 0,
        errmsg: 'ok',
        invaliduser: '',
        invalidparty: '',
        invalidtag: '',
        msgid: `app-${++msg}`,
      });
    if (path === 'message/template/send')
      return reply({ errcode: 0, errmsg: 'ok', msgid: 200228332 + ++msg });
    // a subscription notification (bizsend) answers no message id
    if (path === 'message/subscribe/bizsend') return reply({ errcode: 0, errmsg: 'ok' });
    reply({ errcode: 40035, errmsg: `unknown api ${path}` });
  });
  const url = await listen(server);
  return {
    url,
    calls,
    script: q.script,
    tokensIssued: () => issued,
    revokeTokens: () => {
      tokens = new Set();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface SmtpMail {
  from: string;
  to: string[];
  data: string;
}

/**
 * A minimal SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no auth). `reject`
 * queues a reply code for the next RCPT (e.g. 550 mailbox unavailable, 451 try later).
 */
export async function fakeSmtp(): Promise<{
  port: number;
  mails: SmtpMail[];
  /** replies to the next RCPT TO commands, e.g. '550 5.1.1 no such user' */
  rejectNextRcpt(...replies: string[]): void;
  close(): Promise<void>;
}> {
  const mails: SmtpMail[] = [];
  const rejects: string[] = [];
  const server = createTcpServer((socket) => {
    let mail: SmtpMail = { from: '', to: [], data: '' };
    let inData = false;
    let buffer = '';
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 fake-smtp ESMTP ready');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mail.data = buffer.slice(0, end);
          buffer = buffer.slice(end + 5);
          inData = false;
          mails.push(mail);
          mail = { from: '', to: [], data: '' };
          say('250 2.0.0 OK queued');
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-fake-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'HELO') say('250 fake-smtp');
        else if (verb === 'MAIL') {
          mail.from = line.slice(10).trim();
          say('250 2.1.0 OK');
        } else if (verb === 'RCPT') {
          const reject = rejects.shift();
          if (reject) say(reject);
          else {
            mail.to.push(line.slice(8).trim());
            say('250 2.1.5 OK');
          }
        } else if (verb === 'DATA') {
          inData = true;
          say('354 end data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          mail = { from: '', to: [], data: '' };
          say('250 OK');
        } else if (verb === 'NOOP') say('250 OK');
        else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
          return;
        } else say('502 5.5.2 command not recognized');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    mails,
    rejectNextRcpt: (...replies) => rejects.push(...replies),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A captured mail's text parts, decoded (base64 or quoted-printable), joined: what the reader sees. */
export function mailText(mail: SmtpMail): string {
  const parts = mail.data.split(/\r\n--[^\r\n]+\r\n/);
  return parts
    .map((part) => {
      const sep = part.indexOf('\r\n\r\n');
      if (sep < 0) return '';
      const head = part.slice(0, sep);
      const body = part.slice(sep + 4).replace(/\r\n--[^\r\n]*--\s*$/, '');
      const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1].toLowerCase();
      if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (encoding === 'quoted-printable') {
        const bytes = body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16)));
        return Buffer.from(bytes, 'latin1').toString('utf8');
      }
      return body;
    })
    .join('\n');
}

/** The token of the `#/<kind>/<token>` link in a captured mail (verification, reset), or throws. */
export function linkTokenIn(mail: SmtpMail | undefined, kind: 'verify' | 'reset'): string {
  if (!mail) throw new Error(`no mail with a ${kind} link`);
  const token = new RegExp(`#/${kind}/([\\w-]{43})`).exec(mailText(mail))?.[1];
  if (!token) throw new Error(`the mail has no ${kind} link:\n${mailText(mail).slice(0, 2000)}`);
  return token;
}
