/** The shared local fixtures live in scripts/lib (the demo uses them too); tests import them from here. */
export * from '../../scripts/lib/moto.ts';
