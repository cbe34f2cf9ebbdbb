/**
 * `server.secrets` in Pulumi, asserted on the inputs the mocks record: one role policy per cell
 * with the same statements as CDK (exact ARNs, `-??????` for a secret name, kms:Decrypt only on a
 * given key, no `*`), user data that reads each secret at boot and holds no value, nothing extra
 * without secrets, the library's error for an invalid entry and the secret-looking warning.
 */
import * as pulumi from '@pulumi/pulumi';
import type { TierConfig } from '../../lib/core';
import { WebSocketTier } from '../../lib/pulumi';
import { type PulumiRecorder, recordProgram } from '../helpers/pulumi-mocks';

const ZONE = 'Z00000000000000000000';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const config: TierConfig = {
  domainName: 'ws.example.com',
  cells: [{ name: 'a' }, { name: 'b', loadBalancerType: 'network' }],
  server: {
    environment: { LOG_LEVEL: 'info' },
    secrets: {
      DB_PASSWORD: { ssmParameter: '/app/db-password', kmsKeyArn: KEY },
      API_KEY: { secretsManagerSecret: 'prod/api', jsonKey: 'key' },
      SIGNING_KEY: { secretsManagerSecret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/signing-AbCdEf' },
    },
  },
};

async function build(c: TierConfig): Promise<PulumiRecorder> {
  const { recorder } = await recordProgram(() => new WebSocketTier('t1', { ...c, hostedZoneId: ZONE, serverBundleFile: __filename }));
  return recorder;
}
const userData = (r: PulumiRecorder, cell: string) =>
  Buffer.from(r.named(`t1-cell-${cell}-launch-template`).inputs.userData, 'base64').toString('utf8');
const secretPolicies = (r: PulumiRecorder) =>
  r.ofType('aws:iam/rolePolicy:RolePolicy').filter((p) => p.name.endsWith('-server-secrets-read'));

let warn: jest.SpyInstance;
beforeAll(() => {
  warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
});
afterAll(() => warn.mockRestore());

describe('a tier with server.secrets', () => {
  let r: PulumiRecorder;
  beforeAll(async () => {
    r = await build(config);
  });

  test.each(['a', 'b'])('cell %s: one role policy on its role with exactly these ARNs (the same statements as CDK)', (cell) => {
    const policy = r.named(`t1-cell-${cell}-server-secrets-read`).inputs;
    expect(policy.role).toBe(`t1-cell-${cell}-instance-role-id`);
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ServerSecretsParameters',
          Effect: 'Allow',
          Action: ['ssm:GetParameter'],
          Resource: ['arn:aws:ssm:us-east-1:123456789012:parameter/app/db-password'],
        },
        {
          Sid: 'ServerSecretsSecrets',
          Effect: 'Allow',
          Action: ['secretsmanager:GetSecretValue'],
          Resource: [
            'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/signing-AbCdEf',
            'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/api-??????',
          ],
        },
        { Sid: 'ServerSecretsDecrypt', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [KEY] },
      ],
    });
    expect(policy.policy).not.toContain('*');
  });

  test('user data reads each secret at boot by reference and holds no value', () => {
    const ud = userData(r, 'a');
    expect(ud).toContain(`aws ssm get-parameter --region "$WST_REGION" --name '/app/db-password' --with-decryption`);
    expect(ud).toContain(`aws secretsmanager get-secret-value --region "$WST_REGION" --secret-id 'prod/api' --query SecretString`);
    expect(ud).toContain(`--region 'eu-west-1' --secret-id 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/signing-AbCdEf'`);
    const heredoc = ud.split("cat > /etc/websocket-tier/server.env <<'WST_EOF'\n")[1].split('\nWST_EOF')[0];
    expect(heredoc).toContain('LOG_LEVEL=info');
    expect(heredoc).not.toMatch(/DB_PASSWORD|API_KEY|SIGNING_KEY/);
  });

  test('no warning about the environment', () => {
    expect(warn.mock.calls.flat().join('\n')).not.toContain('env-value-looks-secret');
  });
});

test('without server.secrets there is no read policy and no secret line', async () => {
  const r = await build({ domainName: 'ws.example.com', cells: [{ name: 'a' }] });
  expect(secretPolicies(r)).toEqual([]);
  expect(userData(r, 'a')).not.toContain('WST_SECRET');
});

test('an invalid entry is the library error', async () => {
  await expect(
    build({ domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { secrets: { DB: { secretsManagerSecret: 'bad name!' } } } }),
  ).rejects.toThrow(/server\.secrets\.DB\.secretsManagerSecret is "bad name!"[\s\S]*\[server-secret-reference-invalid\]/);
});

test('a password left in server.environment is the secret-looking warning, without the value', async () => {
  warn.mockClear();
  await build({ domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { environment: { DB_PASSWORD: 'hunter2' } } });
  const text = warn.mock.calls.flat().join('\n');
  expect(text).toMatch(/server\.environment\.DB_PASSWORD looks like a secret[\s\S]*\[@websocket-tier\/env-value-looks-secret\]/);
  expect(text).not.toContain('hunter2');
});
