/** The seed scenarios live in scripts/lib/seeds.ts (the demo and gen:examples use them too). */
export * from '../../scripts/lib/seeds.ts';
