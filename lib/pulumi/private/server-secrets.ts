/**
 * `server.secrets` in Pulumi: the instance role's read on exactly the tier's parameters and
 * secrets (user data reads them at boot: lib/core/server-secrets.ts), the same statements as
 * lib/cdk/private/server-secrets.ts: `ssm:GetParameter` on each parameter ARN,
 * `secretsmanager:GetSecretValue` on each secret ARN (a name as `…:secret:<name>-??????`, never
 * `*`), `kms:Decrypt` only on the customer managed keys given as `kmsKeyArn`.
 * Sources: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { SERVER_SECRETS_CELL_IDS } from '../../core/ids';
import type { ResolvedTier } from '../../core/resolved';
import { serverSecretGrants } from '../../core/server-secrets';
import { create, policyJson, type Scope } from './util';

/** The read policy of the tier's secrets on the cell's role, or undefined when the tier has none. */
export function grantServerSecrets(scope: Scope, role: aws.iam.Role, tier: ResolvedTier): aws.iam.RolePolicy | undefined {
  const secrets = tier.server.secrets ?? [];
  if (secrets.length === 0) return undefined;
  const opts = { parent: scope.parent };
  const at = pulumi.all([
    aws.getPartitionOutput({}, opts).partition,
    aws.getRegionOutput({}, opts).region,
    aws.getCallerIdentityOutput({}, opts).accountId,
  ]);
  return create(aws.iam.RolePolicy, scope, SERVER_SECRETS_CELL_IDS.readPolicy, {
    role: role.id,
    policy: at.apply(([partition, region, account]) => {
      const g = serverSecretGrants(secrets, { partition, region, account });
      const statement = (Sid: string, Action: string, Resource: readonly string[]) =>
        Resource.length > 0 ? [{ Sid, Effect: 'Allow', Action: [Action], Resource: [...Resource] }] : [];
      return policyJson([
        ...statement('ServerSecretsParameters', 'ssm:GetParameter', g.ssmParameterArns),
        ...statement('ServerSecretsSecrets', 'secretsmanager:GetSecretValue', g.secretArns),
        ...statement('ServerSecretsDecrypt', 'kms:Decrypt', g.kmsKeyArns),
      ]);
    }),
  });
}
