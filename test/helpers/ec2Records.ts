/** The EC2 record builders live in scripts/lib (the seed cases and the demo use them too). */
export * from '../../scripts/lib/ec2Records.ts';
