/** Reads an S3 object as text. The client is built on first use. */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CLIENT_CONFIG } from '../../src/aws/clientConfig.ts';

let client: S3Client | undefined;

export async function readS3(bucket: string, key: string): Promise<string> {
  client ??= new S3Client(CLIENT_CONFIG);
  const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await reply.Body?.transformToString('utf8')) ?? '';
}
