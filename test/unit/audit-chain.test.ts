import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  canonicalJson,
  chainEvents,
  eventHash,
  verifyChain,
  type AuditEvent,
  type AuditEventContent,
} from '../../source/domain/audit-chain.js';

const content = (n: number, payload: unknown = { step: n }): AuditEventContent => ({
  environment: 'prod',
  kind: n % 2 === 0 ? 'deploy.succeeded' : 'deploy.started',
  deploymentId: Math.ceil(n / 2),
  actor: 'picard@enterprise',
  at: new Date(Date.UTC(2026, 10, 22, 9, 30, n)),
  payload,
});

/** A chain of `count` events with ids 1..count, as rows read back from the table. */
function chain(count: number, first = 1): AuditEvent[] {
  const contents = Array.from({ length: count }, (_, i) => content(first + i));
  return chainEvents(GENESIS_HASH, contents).map((event, i) => ({ ...event, id: first + i }));
}

/** A deep copy, so that edits in a test cannot touch another chain. */
const copy = (events: AuditEvent[]): AuditEvent[] =>
  events.map((event) => ({ ...event, at: new Date(event.at), payload: structuredClone(event.payload) }));

describe('chainEvents', () => {
  it('links each event to the hash of the one before, starting from the given hash', () => {
    const events = chainEvents(GENESIS_HASH, [content(1), content(2), content(3)]);
    expect(events).toHaveLength(3);
    expect(events[0]!.previousHash).toBe(GENESIS_HASH);
    expect(events[1]!.previousHash).toBe(events[0]!.hash);
    expect(events[2]!.previousHash).toBe(events[1]!.hash);
    for (const event of events) expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(events.map((e) => e.hash)).size).toBe(3);
  });

  it('keeps the content of each event', () => {
    const [event] = chainEvents(GENESIS_HASH, [content(4, { migrations: ['1', '2'] })]);
    expect(event).toMatchObject({ ...content(4, { migrations: ['1', '2'] }), previousHash: GENESIS_HASH });
  });

  it('hashes sha256(previous hash, newline, canonical JSON of the content)', () => {
    const c = content(1, { b: 1, a: [true, null] });
    const [event] = chainEvents(GENESIS_HASH, [c]);
    const body = canonicalJson({
      actor: c.actor,
      at: c.at.toISOString(),
      deploymentId: c.deploymentId,
      environment: c.environment,
      kind: c.kind,
      payload: c.payload,
    });
    const expected = createHash('sha256').update(`${GENESIS_HASH}\n${body}`).digest('hex');
    expect(event!.hash).toBe(expected);
    expect(eventHash(GENESIS_HASH, c)).toBe(expected);
  });

  it('continues an existing chain: two batches equal one', () => {
    const all = chainEvents(GENESIS_HASH, [content(1), content(2), content(3), content(4)]);
    const firstBatch = chainEvents(GENESIS_HASH, [content(1), content(2)]);
    const secondBatch = chainEvents(firstBatch[1]!.hash, [content(3), content(4)]);
    expect([...firstBatch, ...secondBatch]).toEqual(all);
  });

  it('returns nothing for no events', () => {
    expect(chainEvents(GENESIS_HASH, [])).toEqual([]);
  });

  it('gives different hashes for the same content after different previous hashes', () => {
    expect(eventHash(GENESIS_HASH, content(1))).not.toBe(eventHash('f'.repeat(64), content(1)));
  });
});

describe('verifyChain', () => {
  it('starts from the genesis hash of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('finds an untouched chain intact', () => {
    expect(verifyChain(chain(5))).toEqual({ intact: true, events: 5 });
  });

  it('finds an empty chain intact', () => {
    expect(verifyChain([])).toEqual({ intact: true, events: 0 });
  });

  it('detects an edited payload at the edited row', () => {
    const events = copy(chain(5));
    (events[2]!.payload as { step: number }).step = 99;
    const verdict = verifyChain(events);
    expect(verdict).toMatchObject({ intact: false, events: 5, brokenAt: 3 });
    expect(verdict.intact === false && verdict.reason).toBe(
      'event 3 (deploy.started) does not match its hash: its content was edited after it was written',
    );
  });

  it.each([
    ['environment', (e: AuditEvent) => void (e.environment = 'staging')],
    ['kind', (e: AuditEvent) => void (e.kind = 'rollback.succeeded')],
    ['deploymentId', (e: AuditEvent) => void (e.deploymentId = null)],
    ['actor', (e: AuditEvent) => void (e.actor = 'q@continuum')],
    ['at', (e: AuditEvent) => void (e.at = new Date(e.at.getTime() + 1))],
    ['payload key', (e: AuditEvent) => void (e.payload = { step: 4, extra: true })],
  ])('detects an edited %s', (_field, edit) => {
    const events = copy(chain(6));
    edit(events[3]!);
    expect(verifyChain(events)).toMatchObject({ intact: false, brokenAt: 4 });
  });

  it('detects an edited hash at that row', () => {
    const events = copy(chain(4));
    events[1]!.hash = 'a'.repeat(64);
    expect(verifyChain(events)).toMatchObject({ intact: false, brokenAt: 2 });
  });

  it('detects an edit whose hash was recomputed, at the next row', () => {
    const events = copy(chain(4));
    events[1]!.payload = { step: 'forged' };
    events[1]!.hash = eventHash(events[1]!.previousHash, events[1]!);
    const verdict = verifyChain(events);
    expect(verdict).toMatchObject({ intact: false, brokenAt: 3 });
    expect(verdict.intact === false && verdict.reason).toMatch(/^event 3 points at previous hash /);
  });

  it('detects a removed middle row at the row after it', () => {
    const events = chain(5).filter((event) => event.id !== 3);
    const verdict = verifyChain(events);
    expect(verdict).toMatchObject({ intact: false, events: 4, brokenAt: 4 });
    const original = chain(5);
    expect(verdict.intact === false && verdict.reason).toBe(
      `event 4 points at previous hash ${original[2]!.hash.slice(0, 12)}, but the row before it hashes to ${original[1]!.hash.slice(0, 12)}: a row before it was removed or changed`,
    );
  });

  it('detects a removed first row', () => {
    const events = chain(3).slice(1);
    expect(verifyChain(events)).toMatchObject({ intact: false, brokenAt: 2 });
  });

  it('detects two rows swapped', () => {
    const events = chain(4);
    [events[1], events[2]] = [events[2]!, events[1]!];
    expect(verifyChain(events)).toMatchObject({ intact: false, brokenAt: 3 });
  });

  it('reports the first broken link when there are several', () => {
    const events = copy(chain(6));
    (events[4]!.payload as { step: number }).step = -1;
    (events[1]!.payload as { step: number }).step = -1;
    expect(verifyChain(events)).toMatchObject({ intact: false, brokenAt: 2 });
  });

  it('accepts rows whose payload came back with its keys in another order (as from jsonb)', () => {
    const [first] = chainEvents(GENESIS_HASH, [content(1, { zeta: 1, alpha: { y: 2, x: [3, { b: 1, a: 2 }] } })]);
    const readBack: AuditEvent = { ...first!, id: 1, payload: { alpha: { x: [3, { a: 2, b: 1 }], y: 2 }, zeta: 1 } };
    expect(verifyChain([readBack])).toEqual({ intact: true, events: 1 });
  });
});

describe('canonicalJson', () => {
  it('does not depend on the order of object keys, at any depth', () => {
    const a = { b: 1, a: { d: [1, { f: true, e: null }], c: 'x' } };
    const b = { a: { c: 'x', d: [1, { e: null, f: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[1,{"e":null,"f":true}]},"b":1}');
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
    expect(canonicalJson([2, 1])).toBe('[2,1]');
  });

  it('writes scalars as JSON', () => {
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson(42)).toBe('42');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('writes dates as ISO strings', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2026, 10, 22, 9, 30)) })).toBe('{"at":"2026-11-22T09:30:00.000Z"}');
  });

  it('leaves out keys whose value is undefined, as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it('sorts keys by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, _: 4 })).toBe('{"B":2,"_":4,"a":3,"b":1}');
  });

  it('distinguishes different values', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson({ a: null })).not.toBe(canonicalJson({}));
  });
});
