/**
 * A policy document against a role's baseline, both ways: what the document grants that the baseline does not
 * (new access, i.e. drift), and what the baseline allows that the document no longer grants (narrower). Equal
 * when neither has anything.
 */
import type { CompareOptions, DriftResult, Witness } from './envelope.ts';
import { compareToEnvelope } from './envelope.ts';
import type { NormalizedStatement, PolicyDocument } from './parse.ts';
import type { WitnessGroup } from './witnesses.ts';
import { groupWitnesses } from './witnesses.ts';

export type DiffVerdict = 'equal' | 'narrower' | 'broader' | 'different';

export interface PolicyDiff {
  /** equal: grants exactly the baseline; narrower: less; broader: more; different: some of each. */
  readonly verdict: DiffVerdict;
  readonly newAccess: readonly Witness[];
  readonly newAccessGroups: readonly WitnessGroup[];
  /**
   * Baseline grants the document does not make: witnesses whose `statement` is a baseline path and whose reason
   * speaks of the document (`no document statement allows this action`).
   */
  readonly notGranted: readonly Witness[];
  readonly notGrantedGroups: readonly WitnessGroup[];
  /** Document statements that grant nothing outside the baseline. */
  readonly withinBaseline: readonly string[];
  /** Baseline Allow statements the document grants in full. */
  readonly fullyGranted: readonly string[];
  readonly notes: readonly string[];
  readonly unknownActions: readonly string[];
}

export function diffPolicy(
  doc: PolicyDocument,
  envelope: readonly NormalizedStatement[],
  options: Pick<CompareOptions, 'partition'> = {},
): PolicyDiff {
  const forward: DriftResult = compareToEnvelope(doc, envelope, options);
  // The baseline read as a document (2012-10-17: its ${…} are variables) against the document as envelope.
  const reverse = compareToEnvelope({ version: '2012-10-17', statements: envelope }, doc.statements, {
    ...options,
    envelopeVariables: doc.version === '2012-10-17',
    envelopeName: 'document',
  });
  const broader = forward.newAccessCount > 0;
  const narrower = reverse.newAccessCount > 0;
  const verdict: DiffVerdict = broader
    ? narrower
      ? 'different'
      : 'broader'
    : narrower
      ? 'narrower'
      : 'equal';
  return {
    verdict,
    newAccess: forward.newAccess,
    newAccessGroups: groupWitnesses(forward.grants),
    notGranted: reverse.newAccess,
    notGrantedGroups: groupWitnesses(reverse.grants),
    withinBaseline: forward.coveredStatements.filter((path) =>
      doc.statements.some((s) => s.path === path && s.effect === 'Allow'),
    ),
    fullyGranted: reverse.coveredStatements.filter((path) =>
      envelope.some((s) => s.path === path && s.effect === 'Allow'),
    ),
    notes: [...forward.notes, ...reverse.notes.map((note) => `baseline: ${note}`)],
    unknownActions: forward.unknownActions,
  };
}
