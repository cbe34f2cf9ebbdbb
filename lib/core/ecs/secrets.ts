/**
 * `server.secrets` on ECS cells (Fargate and `ecs-ec2`): container `secrets` entries, which ECS
 * resolves when it starts the task (the template holds only the reference, never the value), and
 * the task execution role's exact read grants. EC2 cells read the same entries in user data instead
 * (lib/core/server-secrets.ts).
 *
 * Sources:
 * - `Secret.valueFrom`: the full ARN of the parameter (or its name in the task's Region) or of the
 *   secret: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Secret.html
 * - a JSON key of a secret as `<arn>:<json-key>::`, execution role permissions
 *   (`secretsmanager:GetSecretValue`, `kms:Decrypt` for a customer managed key):
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
 * - parameters (`ssm:GetParameters`, plural, is what ECS calls):
 *   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html
 * - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 */
import { type ResolvedServerSecret, type SecretArnContext, serverSecretGrants, serverSecretResourceArn } from '../server-secrets';

/** One container `secrets` entry. */
export interface EcsContainerSecret {
  readonly name: string;
  readonly valueFrom: string;
}

/** The execution role's grants for the container secrets (exact ARNs; IAM actions as ECS calls them). */
export interface EcsSecretGrants {
  /** `ssm:GetParameters` on these parameter ARNs. */
  readonly ssmParameterArns: readonly string[];
  /** `secretsmanager:GetSecretValue` on these secret ARNs (a name as `…:secret:<name>-??????`). */
  readonly secretArns: readonly string[];
  /** `kms:Decrypt` only on the customer managed keys given as `kmsKeyArn`. */
  readonly kmsKeyArns: readonly string[];
}

/** The IAM actions of {@link EcsSecretGrants}. */
export const ECS_SECRET_ACTIONS = {
  ssm: 'ssm:GetParameters',
  secretsManager: 'secretsmanager:GetSecretValue',
  kms: 'kms:Decrypt',
} as const;

/**
 * The container's `secrets`: a parameter as its full ARN; a secret as its ARN as given, or a name as
 * the partial ARN `arn:…:secret:<name>` (Secrets Manager resolves a partial ARN); a `jsonKey` appended
 * as `:<jsonKey>::` (the current version).
 */
export function ecsContainerSecrets(secrets: readonly ResolvedServerSecret[], at: SecretArnContext): EcsContainerSecret[] {
  return secrets.map((s) => {
    if (s.source === 'ssm-parameter') return { name: s.name, valueFrom: serverSecretResourceArn(s, at) };
    const arn = s.reference.startsWith('arn:') ? s.reference : serverSecretResourceArn(s, at).replace(/-\?{6}$/, '');
    return { name: s.name, valueFrom: s.jsonKey !== undefined ? `${arn}:${s.jsonKey}::` : arn };
  });
}

/** The execution role's grants: the same exact resources as the EC2 instance role's (lib/core/server-secrets.ts). */
export function ecsSecretGrants(secrets: readonly ResolvedServerSecret[], at: SecretArnContext): EcsSecretGrants {
  return serverSecretGrants(secrets, at);
}
