import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BusMessage, decodeBusMessage, encodeBusMessage } from '../../src/redis/bus.js';
import { decodeEntry, deriveKey, encodeEntry, openEntry, sealEntry } from '../../src/redis/crypto.js';
import { CANARY } from '../support/canary.js';

const key = deriveKey(randomBytes(32));
const other = deriveKey(randomBytes(32));
const site = { namespace: 'prod', epoch: 'e1', name: 'a'.repeat(32) };

describe('shared entries (AES-256-GCM, bound to their site)', () => {
  it('round-trips a payload, binary and metadata included, and shows no plaintext', () => {
    const payload = {
      secretString: CANARY,
      name: 'prod/db',
      arn: 'arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf',
      versionId: 'v1',
      versionStages: ['AWSCURRENT'],
    };
    const sealed = sealEntry(key, site, encodeEntry(payload, 123));
    expect(sealed).not.toContain(CANARY);
    expect(Buffer.from(sealed, 'base64').toString('latin1')).not.toContain('prod/db');
    expect(decodeEntry(openEntry([key], site, sealed)!)).toEqual({ payload, expiresAt: 123 });
    const binary = { secretBinary: new Uint8Array([0, 1, 255]) };
    expect(
      decodeEntry(openEntry([key], site, sealEntry(key, site, encodeEntry(binary, 1)))!)?.payload,
    ).toEqual(binary);
  });

  it('refuses an entry moved to another name, namespace or epoch', () => {
    const sealed = sealEntry(key, site, encodeEntry({ secretString: CANARY }, 1));
    expect(openEntry([key], { ...site, name: 'b'.repeat(32) }, sealed)).toBeUndefined();
    expect(openEntry([key], { ...site, namespace: 'dev' }, sealed)).toBeUndefined();
    expect(openEntry([key], { ...site, epoch: 'e2' }, sealed)).toBeUndefined();
  });

  it('refuses every single-byte change, a truncated entry, garbage and a wrong key', () => {
    const sealed = sealEntry(key, site, encodeEntry({ secretString: CANARY }, 1));
    const raw = Buffer.from(sealed, 'base64');
    for (let index = 0; index < raw.length; index++) {
      const changed = Buffer.from(raw);
      changed[index] = changed[index]! ^ 0x01;
      expect(openEntry([key], site, changed.toString('base64'))).toBeUndefined();
    }
    expect(openEntry([key], site, raw.subarray(0, 20).toString('base64'))).toBeUndefined();
    expect(openEntry([key], site, 'not base64 at all!')).toBeUndefined();
    expect(openEntry([other], site, sealed)).toBeUndefined();
  });

  it('rotates keys: the first encrypts, every key in the list decrypts', () => {
    const sealedWithOld = sealEntry(key, site, encodeEntry({ secretString: 'x' }, 1));
    expect(openEntry([other, key], site, sealedWithOld)).toBeDefined();
    expect(openEntry([other], site, sealedWithOld)).toBeUndefined();
  });

  it('decodes only the shape it writes', () => {
    expect(decodeEntry('{"x":1,"s":5}')).toBeUndefined();
    expect(decodeEntry('{"s":"a"}')).toBeUndefined();
    expect(decodeEntry('nope')).toBeUndefined();
    expect(decodeEntry('{"x":1,"g":[1]}')).toBeUndefined();
  });
});

describe('bus messages (HMAC, hashes only)', () => {
  const scope = 'c'.repeat(32);
  const form = 'd'.repeat(32);

  it('verifies a genuine message and names its key', () => {
    const message = encodeBusMessage('prod', { kind: 'form', key, scope, form });
    expect(decodeBusMessage([other, key], 'prod', message)).toStrictEqual({ kind: 'form', key, scope, form });
  });

  it('reads back every kind it writes, and nothing else', () => {
    const entry = 'e'.repeat(32);
    const messages: BusMessage[] = [
      { kind: 'filled', entry },
      { kind: 'form', key, scope, form },
      { kind: 'any-scope-form', key, form },
      { kind: 'scope', key, scope },
      { kind: 'namespace', key },
    ];
    for (const message of messages) {
      expect(decodeBusMessage([key], 'prod', encodeBusMessage('prod', message))).toStrictEqual(message);
    }
    expect(decodeBusMessage([key], 'prod', `fill.${entry}`)).toBeUndefined();
    expect(decodeBusMessage([key], 'prod', `sr1.w.${entry}x`)).toBeUndefined();
  });

  it('drops forged, altered, foreign-namespace and foreign-key messages', () => {
    const message = encodeBusMessage('prod', { kind: 'form', key, scope, form });
    expect(decodeBusMessage([key], 'dev', message)).toBeUndefined();
    expect(decodeBusMessage([other], 'prod', message)).toBeUndefined();
    expect(decodeBusMessage([key], 'prod', message.replace('.f.', '.s.'))).toBeUndefined();
    expect(
      decodeBusMessage([key], 'prod', `${message.slice(0, -1)}${message.endsWith('0') ? '1' : '0'}`),
    ).toBeUndefined();
    expect(decodeBusMessage([key], 'prod', `sr1.n.${key.id}.-.-.${'0'.repeat(32)}`)).toBeUndefined();
    expect(decodeBusMessage([key], 'prod', 'prod/db')).toBeUndefined();
  });
});

describe('whatever Redis holds or carries', () => {
  it('never throws and never verifies: random entries, JSON and bus messages', () => {
    fc.assert(
      fc.property(fc.string(), fc.uint8Array({ maxLength: 200 }), (text, bytes) => {
        expect(openEntry([key], site, text)).toBeUndefined();
        expect(openEntry([key], site, Buffer.from(bytes).toString('base64'))).toBeUndefined();
        expect(() => decodeEntry(text)).not.toThrow();
        expect(decodeBusMessage([key], 'prod', text)).toBeUndefined();
        expect(decodeBusMessage([key], 'prod', `sr1.f.${key.id}.${text}`)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
