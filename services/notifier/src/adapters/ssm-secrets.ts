/** Secrets in SSM Parameter Store, SecureString (KMS-encrypted), under `<prefix><name>`. */
import {
  DeleteParameterCommand,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import type { SecretStore } from '../domain/ports.js';

export function createSsmSecretStore(client: SSMClient, prefix: string): SecretStore {
  const nameOf = (name: string) => `${prefix}${name}`;
  const isNotFound = (err: unknown) =>
    err instanceof ParameterNotFound || (err as Error).name === 'ParameterNotFound';
  return {
    async put(name, value) {
      await client.send(
        new PutParameterCommand({ Name: nameOf(name), Value: value, Type: 'SecureString', Overwrite: true }),
      );
    },
    async get(name) {
      try {
        const out = await client.send(new GetParameterCommand({ Name: nameOf(name), WithDecryption: true }));
        return out.Parameter?.Value;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async delete(name) {
      try {
        await client.send(new DeleteParameterCommand({ Name: nameOf(name) }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}
