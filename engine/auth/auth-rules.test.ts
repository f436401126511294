import { describe, expect, it } from 'vitest';
import { parseRate } from './auth-config.js';
import { routeParams } from './authorize.js';
import { maskContact, maskContacts } from './mask.js';
import { PERMISSIONS, ROLES, rolePermissions, SCOPES, scopePermissions } from './permissions.js';

describe('the role → permission table', () => {
  it('admin can do everything; each role below can do less; viewers only read', () => {
    expect([...rolePermissions('admin')].sort()).toEqual([...PERMISSIONS].sort());
    for (const role of ROLES)
      for (const p of rolePermissions(role)) expect(rolePermissions('admin').has(p)).toBe(true);
    expect([...rolePermissions('viewer')].every((p) => p.endsWith('.read'))).toBe(true);
    expect(rolePermissions('viewer').has('members.pii')).toBe(false);
  });

  it('a guide works their own tasks and nothing else: no journeys, members or other guides’ tasks', () => {
    expect([...rolePermissions('guide')].sort()).toEqual(['guide_tasks.complete', 'guide_tasks.read']);
    expect(rolePermissions('ops').has('guides.manage')).toBe(true);
    expect(rolePermissions('ops').has('guide_tasks.all.read')).toBe(true);
  });

  it('follows the issue: marketers run journeys, ops run members and runs, only admins manage access', () => {
    const marketer = rolePermissions('marketer');
    const ops = rolePermissions('ops');
    for (const p of [
      'journeys.edit',
      'journeys.publish',
      'journeys.pause',
      'journeys.archive',
      'coupons.edit',
      'audiences.edit',
      'members.import',
    ] as const)
      expect(marketer.has(p), p).toBe(true);
    // marketers import lists (issue 19) but do not edit or erase single members
    expect(marketer.has('members.edit')).toBe(false);
    expect(marketer.has('members.delete')).toBe(false);
    expect(ops.has('members.import')).toBe(true);
    expect(rolePermissions('viewer').has('members.import')).toBe(false);
    for (const p of [
      'members.edit',
      'members.delete',
      'runs.operate',
      'journeys.pause',
      'events.manage',
    ] as const)
      expect(ops.has(p), p).toBe(true);
    expect(ops.has('journeys.publish')).toBe(false);
    expect(marketer.has('runs.operate')).toBe(false);
    for (const role of ['marketer', 'ops', 'viewer'] as const)
      for (const p of ['users.manage', 'keys.manage', 'settings.edit', 'audit.read'] as const)
        expect(rolePermissions(role).has(p), `${role} ${p}`).toBe(false);
  });

  it('an ingest key sends events and members and nothing else; unknown roles and scopes grant nothing', () => {
    expect([...scopePermissions(['ingest'])].sort()).toEqual([
      'events.ingest',
      'members.edit',
      'members.import',
    ]);
    expect(scopePermissions(['admin']).has('workspaces.create')).toBe(false);
    for (const s of SCOPES) expect(scopePermissions([s]).size).toBeGreaterThan(0);
    expect(rolePermissions('owner').size).toBe(0);
    expect(rolePermissions(null).size).toBe(0);
    expect(scopePermissions(['root']).size).toBe(0);
  });
});

describe('masking contact details', () => {
  it('keeps the first 3 and last 4 digits of a phone, the first letter and domain of an email', () => {
    expect(maskContact('13800000000')).toBe('138****0000');
    expect(maskContact('+8613812345678')).toBe('+86****5678');
    expect(maskContact('xiaoming@example.com')).toBe('x***@example.com');
    expect(maskContact('12345')).toBe('****');
  });

  it('masks by key anywhere in an answer, and nothing else', () => {
    const answer = {
      member: { name: '王小明', phone: '13800000000', email: 'a@b.cn', attributes: { city: '上海' } },
      messages: [{ to: '13900000000', body: 'hi' }],
      phone: null,
    };
    expect(maskContacts(answer)).toEqual({
      member: { name: '王小明', phone: '138****0000', email: 'a***@b.cn', attributes: { city: '上海' } },
      messages: [{ to: '139****0000', body: 'hi' }],
      phone: null,
    });
  });
});

describe('masking personal data', () => {
  it('knows contact and identity keys under any spelling and case, and masks nothing else', () => {
    const attributes = {
      tel: '13900001111',
      phone_number: '13900002222',
      Phone: '13900003333',
      MOBILE: 13900004444,
      mobilePhone: '13900005555',
      home_phone: '02166667777',
      mail: 'li@example.com',
      'e-mail': 'li@example.com',
      work_email: 'lilei@brand.cn',
      wechat: 'lilei_wx',
      id_card: '110101199003071234',
      IDCard: '110101199003071234',
      shipping_address: '上海市浦东新区世纪大道100号',
      address: { city: '上海', street: '世纪大道100号' },
      city: '上海',
      hotel: '锦江',
      phone_verified: true,
      emails_sent: 3,
    };
    expect(maskContacts({ attributes })).toEqual({
      attributes: {
        tel: '139****1111',
        phone_number: '139****2222',
        Phone: '139****3333',
        MOBILE: '139****4444',
        mobilePhone: '139****5555',
        home_phone: '021****7777',
        mail: 'l***@example.com',
        'e-mail': 'l***@example.com',
        work_email: 'l***@brand.cn',
        wechat: '****',
        id_card: '****',
        IDCard: '****',
        shipping_address: '****',
        address: { city: '****', street: '****' },
        city: '上海',
        hotel: '锦江',
        phone_verified: true,
        emails_sent: 3,
      },
    });
  });

  it('masks the attributes a workspace marks as personal, whatever their case', () => {
    const answer = { attributes: { Birthday: '1990-05-01', real_name: '李雷', vip_level: 3, city: '上海' } };
    expect(maskContacts(answer, ['birthday', 'real_name', 'vip_level'])).toEqual({
      attributes: { Birthday: '****', real_name: '****', vip_level: '****', city: '上海' },
    });
  });
});

describe('settings and routes', () => {
  it('reads rates like 5/15m', () => {
    expect(parseRate('X', '5/15m')).toEqual({ max: 5, windowMs: 900_000 });
    expect(parseRate('X', '6000/m')).toEqual({ max: 6000, windowMs: 60_000 });
    expect(parseRate('X', '10/30s')).toEqual({ max: 10, windowMs: 30_000 });
    for (const bad of ['5', '0/1m', '5/0m', '5/2d', 'lots', '5/25h'])
      expect(() => parseRate('X', bad)).toThrow(/X=/);
  });

  it('reads a route’s params from a path, mounted under /api or not', () => {
    expect(routeParams('/api/journeys/:id/publish', '/api/journeys/abc/publish')).toEqual({ id: 'abc' });
    expect(routeParams('/api/members/:externalId', '/members/%E7%8E%8B')).toEqual({ externalId: '王' });
    expect(routeParams('/api/members/:externalId', '/api/members/%E0')).toEqual({ externalId: '%E0' });
  });
});
