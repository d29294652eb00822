/** Reads an SSM parameter (decrypted). The client is built on first use. */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CLIENT_CONFIG } from '../../src/aws/clientConfig.ts';

let client: SSMClient | undefined;

export async function readSsm(name: string): Promise<string> {
  client ??= new SSMClient(CLIENT_CONFIG);
  const reply = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return reply.Parameter?.Value ?? '';
}
