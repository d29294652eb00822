/** The one list of watched events, and event names as services version them. */
import { describe, expect, it } from 'vitest';
import { canonicalEventName, WATCHED_EVENTS, watchedEventOf } from '../../src/events/subjects/index.ts';
import { offlineKnowledge } from '../../src/knowledge/offline.ts';
import { listenedEvents, RULES } from '../../src/rules/index.ts';

describe('watched events', () => {
  it('strips the API version Lambda appends to its event names, and nothing else', () => {
    expect(canonicalEventName('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(canonicalEventName('AddPermission20150331v2')).toBe('AddPermission');
    expect(canonicalEventName('GetPolicy20150331')).toBe('GetPolicy');
    expect(canonicalEventName('CreateUser')).toBe('CreateUser');
    expect(canonicalEventName('PutRolePolicy')).toBe('PutRolePolicy');
    expect(canonicalEventName('Ec2Instance2023')).toBe('Ec2Instance2023');
  });

  it('needs the name and the service to match', () => {
    expect(watchedEventOf({ eventName: 'CreateUser', eventSource: 'iam.amazonaws.com' })).toBe('CreateUser');
    expect(watchedEventOf({ eventName: 'CreateUser', eventSource: 'ec2.amazonaws.com' })).toBeUndefined();
    expect(watchedEventOf({ eventName: 'toString', eventSource: 'iam.amazonaws.com' })).toBeUndefined();
    expect(
      watchedEventOf({ eventName: 'DescribeInstances', eventSource: 'ec2.amazonaws.com' }),
    ).toBeUndefined();
  });

  it('every watched event is listened to by a rule or learned by a ledger, and every rule event is watched', () => {
    const listened = listenedEvents().map((e) => e.eventName);
    const trail = offlineKnowledge();
    const learned = Object.entries(WATCHED_EVENTS)
      .filter(([eventName, eventSource]) => trail.teaches({ eventName, eventSource }))
      .map(([name]) => name);
    expect([...new Set([...listened, ...learned])].sort()).toEqual(Object.keys(WATCHED_EVENTS).sort());
    for (const rule of RULES) for (const name of rule.events) expect(listened).toContain(name);
  });
});
