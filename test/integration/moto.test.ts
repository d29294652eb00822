import { CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../helpers/moto.ts';
import { MOTO_ENV, startMoto } from '../helpers/moto.ts';

describe('moto helper', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto.stop();
  });

  it('serves a real IAM API that reset empties', async () => {
    const iam = new IAMClient({
      endpoint: moto.endpoint,
      region: MOTO_ENV.AWS_REGION,
      credentials: {
        accessKeyId: MOTO_ENV.AWS_ACCESS_KEY_ID,
        secretAccessKey: MOTO_ENV.AWS_SECRET_ACCESS_KEY,
      },
    });
    await iam.send(new CreateUserCommand({ UserName: 'probe' }));
    expect((await iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual(['probe']);
    await moto.reset();
    expect((await iam.send(new ListUsersCommand({}))).Users ?? []).toEqual([]);
  });
});
