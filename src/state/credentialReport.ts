/**
 * IAM's credential report: one CSV row per user (and `<root_account>`), with the password and both key slots'
 * dates. Values that are not dates say why (`N/A`, `no_information`, `not_supported`); a row is read by its
 * header's column names, so a column IAM adds later is ignored and one it drops is simply absent.
 */

export interface ReportKey {
  readonly slot: 1 | 2;
  readonly active: boolean;
  /** `access_key_N_last_rotated`: when the key in this slot was created. */
  readonly createdAt?: string;
  readonly lastUsedAt?: string;
}

export interface CredentialRow {
  readonly user: string;
  readonly arn: string;
  readonly passwordEnabled: boolean;
  readonly passwordLastUsedAt?: string;
  /** The key slots that hold a key (active or not). */
  readonly keys: readonly ReportKey[];
}

/** RFC 4180 fields: commas and quotes inside quoted fields, `""` for a quote. */
function parseLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** A date cell, or undefined for `N/A`, `no_information`, `not_supported` and anything unparseable. */
function dateOf(value: string | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export function parseCredentialReport(content: string): CredentialRow[] {
  const lines = content.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0] ? parseLine(lines[0]) : [];
  const rows: CredentialRow[] = [];
  for (const line of lines.slice(1)) {
    const cells = parseLine(line);
    const cell = (name: string): string | undefined => {
      const index = header.indexOf(name);
      return index >= 0 ? cells[index] : undefined;
    };
    const user = cell('user');
    if (!user) continue;
    const keys: ReportKey[] = [];
    for (const slot of [1, 2] as const) {
      const createdAt = dateOf(cell(`access_key_${slot}_last_rotated`));
      const active = cell(`access_key_${slot}_active`) === 'true';
      if (!createdAt && !active) continue;
      const lastUsedAt = dateOf(cell(`access_key_${slot}_last_used_date`));
      keys.push({ slot, active, ...(createdAt ? { createdAt } : {}), ...(lastUsedAt ? { lastUsedAt } : {}) });
    }
    const passwordLastUsedAt = dateOf(cell('password_last_used'));
    rows.push({
      user,
      arn: cell('arn') ?? '',
      passwordEnabled: cell('password_enabled') === 'true',
      ...(passwordLastUsedAt ? { passwordLastUsedAt } : {}),
      keys,
    });
  }
  return rows;
}
