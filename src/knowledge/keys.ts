/**
 * What the trail says about access keys (offline: `guardrail evaluate`, replay): CreateAccessKey, UpdateAccessKey
 * and DeleteAccessKey records, folded into each user's keys as of a time. The trail only knows the keys it saw:
 * a user none of whose key events are in it is unknown, not keyless (its keys may predate the trail).
 */
import type { AccessKeyFact, Known } from '../core/knowledge.ts';
import type { Ledger } from './ledger.ts';

interface KeyEvent {
  readonly at: number;
  readonly accessKeyId: string;
  readonly change: 'created' | 'Active' | 'Inactive' | 'deleted';
  readonly createDate?: string;
}

/** Within one second (CloudTrail's resolution), a key is created before it is switched, and switched before deleted. */
const ORDER: Readonly<Record<KeyEvent['change'], number>> = {
  created: 0,
  Active: 1,
  Inactive: 1,
  deleted: 2,
};

export function accessKeyLedger(): Ledger {
  // IAM user names are unique case-insensitively.
  const byUser = new Map<string, KeyEvent[]>();
  const add = (userName: string, event: KeyEvent) => {
    const key = userName.toLowerCase();
    byUser.set(key, [...(byUser.get(key) ?? []), event]);
  };
  return {
    learnsFrom: ['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey'],
    learn(subject, record) {
      const at = Date.parse(record.eventTime);
      if (Number.isNaN(at)) return;
      if (subject.kind === 'CreateAccessKey' && subject.userName && subject.accessKeyId) {
        add(subject.userName, {
          at,
          accessKeyId: subject.accessKeyId,
          change: 'created',
          createDate: new Date(at).toISOString(),
        });
      } else if (subject.kind === 'UpdateAccessKey') {
        add(subject.userName, { at, accessKeyId: subject.accessKeyId, change: subject.status });
      } else if (subject.kind === 'DeleteAccessKey') {
        add(subject.userName, { at, accessKeyId: subject.accessKeyId, change: 'deleted' });
      }
    },
    answers: {
      accessKeys(userName, at): Known<readonly AccessKeyFact[]> {
        const until = Date.parse(at);
        const events = (byUser.get(userName.toLowerCase()) ?? [])
          .filter((e) => e.at < until)
          .sort((a, b) => a.at - b.at || ORDER[a.change] - ORDER[b.change]);
        if (events.length === 0) {
          return {
            known: false,
            why: `no access key of ${userName} appears in the trail before ${at}; keys made earlier are not known offline`,
          };
        }
        const keys = new Map<string, AccessKeyFact>();
        for (const e of events) {
          if (e.change === 'deleted') keys.delete(e.accessKeyId);
          else if (e.change === 'created')
            keys.set(e.accessKeyId, {
              accessKeyId: e.accessKeyId,
              status: 'Active',
              ...(e.createDate ? { createDate: e.createDate } : {}),
            });
          else
            keys.set(e.accessKeyId, {
              ...(keys.get(e.accessKeyId) ?? { accessKeyId: e.accessKeyId }),
              status: e.change,
            });
        }
        return { known: true, source: 'trail', value: [...keys.values()] };
      },
    },
  };
}
