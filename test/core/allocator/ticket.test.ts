import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { signTicket, verifyTicket } from '../../../lib/core/allocator/ticket';

const KEY = 'k'.repeat(32);
const OLD = 'o'.repeat(40);
const NOW = 1_800_000_000_000;
const opts = { cell: 'a', keys: { current: KEY }, nowMs: NOW };

describe('ticket codec', () => {
  const t = signTicket({ cell: 'a', expiresAt: NOW / 1000 + 30, nonce: 'nonce-1234' }, KEY);

  test('the format is v1.<cell>.<expiresAt>.<nonce>.<base64url HMAC-SHA256 of the rest> (what other servers implement)', () => {
    const payload = `v1.a.${NOW / 1000 + 30}.nonce-1234`;
    expect(t).toBe(`${payload}.${createHmac('sha256', KEY).update(payload).digest('base64url')}`);
    expect(t).toMatch(/^[A-Za-z0-9._-]+$/); // URI-unreserved only
  });

  test('roundtrip', () => {
    expect(verifyTicket(t, opts)).toEqual({ ok: true, key: 'current', cell: 'a', expiresAt: NOW / 1000 + 30, nonce: 'nonce-1234' });
  });

  test('forged: another key, or a changed claim with the old MAC', () => {
    expect(verifyTicket(signTicket({ cell: 'a', expiresAt: NOW / 1000 + 30 }, 'x'.repeat(32)), opts)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const longer = t.replace(`.${NOW / 1000 + 30}.`, `.${NOW / 1000 + 3000}.`);
    expect(verifyTicket(longer, opts)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test('expired (and the leeway)', () => {
    expect(verifyTicket(t, { ...opts, nowMs: NOW + 31_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(verifyTicket(t, { ...opts, nowMs: NOW + 31_000, leewaySeconds: 5 }).ok).toBe(true);
  });

  test('wrong cell', () => {
    expect(verifyTicket(t, { ...opts, cell: 'b' })).toEqual({ ok: false, reason: 'wrong-cell' });
  });

  test('previous key still verifies after a rotation; a retired key does not', () => {
    const old = signTicket({ cell: 'a', expiresAt: NOW / 1000 + 30 }, OLD);
    expect(verifyTicket(old, { ...opts, keys: { current: KEY, previous: OLD } })).toMatchObject({ ok: true, key: 'previous' });
    expect(verifyTicket(old, opts)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  test.each([
    ['not a string', 42],
    ['empty', ''],
    ['four fields', 'v1.a.1.nonce-1234'],
    ['unknown version', t.replace(/^v1/, 'v2')],
    ['bad cell', t.replace('v1.a.', 'v1.A.')],
    ['leading zero expiry', t.replace(`.${NOW / 1000 + 30}.`, `.0${NOW / 1000 + 30}.`)],
    ['short nonce', signTicket({ cell: 'a', expiresAt: 1, nonce: 'abcdefgh' }, KEY).replace('.abcdefgh.', '.abc.')],
    ['short MAC', t.slice(0, -2)],
    ['non-canonical MAC spelling', t.slice(0, -1) + String.fromCharCode(t.charCodeAt(t.length - 1) ^ 1)],
    ['too long', `${t}${'a'.repeat(300)}`],
  ])('malformed: %s', (_name, ticket) => {
    const r = verifyTicket(ticket, opts);
    // A flipped last character is either a non-canonical spelling or a different MAC; never valid.
    expect(r.ok).toBe(false);
    if (_name !== 'non-canonical MAC spelling') expect(r).toEqual({ ok: false, reason: 'malformed' });
  });

  test('keys shorter than 32 bytes are refused when signing and verifying', () => {
    expect(() => signTicket({ cell: 'a', expiresAt: 1 }, 'short')).toThrow(/at least 32 bytes/);
    expect(() => verifyTicket(t, { ...opts, keys: { current: KEY, previous: 'short' } })).toThrow(/previous key/);
  });

  test('docs/server-contract.md §14 test vector is what the codec writes', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'server-contract.md'), 'utf8');
    const vector = /^(v1\.cell-a\.1800000030\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})$/m.exec(doc)?.[1];
    const key = 'websocket-tier-ticket-test-vector-key';
    expect(vector).toBe(signTicket({ cell: 'cell-a', expiresAt: 1800000030, nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }, key));
    expect(verifyTicket(vector, { cell: 'cell-a', keys: { current: key }, nowMs: 1800000000_000 }).ok).toBe(true);
  });
});
