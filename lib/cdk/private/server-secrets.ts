/**
 * `server.secrets` in CDK: the instance role's read on exactly the tier's parameters and secrets
 * (user data reads them at boot: lib/core/server-secrets.ts). `ssm:GetParameter` on each parameter
 * ARN, `secretsmanager:GetSecretValue` on each secret ARN (a name as `…:secret:<name>-??????`, never
 * `*`), and `kms:Decrypt` only on the customer managed keys given as `kmsKeyArn` (the AWS managed
 * keys aws/ssm and aws/secretsmanager need none).
 * Sources: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html,
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { SERVER_SECRETS_CELL_IDS } from '../../core/ids';
import type { ResolvedTier } from '../../core/resolved';
import { serverSecretGrants } from '../../core/server-secrets';

/** The read policy of the tier's secrets on the cell's role, or undefined when the tier has none. */
export function grantServerSecrets(scope: Construct, role: iam.IRole, tier: ResolvedTier): iam.Policy | undefined {
  const secrets = tier.server.secrets ?? [];
  if (secrets.length === 0) return undefined;
  // The stack's own values: literals when its environment is known, pseudo parameters otherwise.
  const stack = Stack.of(scope);
  const g = serverSecretGrants(secrets, { partition: stack.partition, region: stack.region, account: stack.account });
  const statements = [
    g.ssmParameterArns.length > 0 &&
      new iam.PolicyStatement({ sid: 'ServerSecretsParameters', actions: ['ssm:GetParameter'], resources: [...g.ssmParameterArns] }),
    g.secretArns.length > 0 &&
      new iam.PolicyStatement({ sid: 'ServerSecretsSecrets', actions: ['secretsmanager:GetSecretValue'], resources: [...g.secretArns] }),
    g.kmsKeyArns.length > 0 &&
      new iam.PolicyStatement({ sid: 'ServerSecretsDecrypt', actions: ['kms:Decrypt'], resources: [...g.kmsKeyArns] }),
  ].filter((s): s is iam.PolicyStatement => s !== false);
  return new iam.Policy(scope, SERVER_SECRETS_CELL_IDS.readPolicy, { roles: [role], statements });
}
