/**
 * `server.secrets` in CDK: the role reads exactly the tier's parameters and secrets (one policy per
 * cell, no wildcard but the `-??????` Secrets Manager suffix, kms:Decrypt only on a given key), user
 * data holds the references and the boot-time reads but never a value, a CDK token is taken as an
 * ARN, the tier stays AwsSolutions-clean, and the secret-looking environment warning is raised.
 */
import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WebSocketTier } from '../../lib/cdk';
import type { TierConfig } from '../../lib/core/config';
import { createTestApp, TEST_ZONE, testBundleFile, tierStack, type TierStack, userDataOf } from '../helpers/cdk-app';
import { withServerStart } from '../helpers/server-start';

const ENV = { account: '123456789012', region: 'eu-west-1' } as const;
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
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

const policiesOf = (t: TierStack) =>
  Object.entries(t.template.findResources('AWS::IAM::Policy') as Record<string, any>).filter(([id]) => id.includes('ServerSecretsRead'));

describe('a tier with server.secrets', () => {
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(config, { serverBundleFile: testBundleFile() }, { env: ENV });
  });

  test('one read policy per cell, on that cell role, with exactly these ARNs', () => {
    const policies = policiesOf(t);
    expect(policies.map(([id]) => id).sort()).toEqual([
      expect.stringMatching(/^TierCellaServerSecretsRead/),
      expect.stringMatching(/^TierCellbServerSecretsRead/),
    ]);
    for (const [id, p] of policies) {
      const cell = id.startsWith('TierCella') ? 'a' : 'b';
      expect(p.Properties.Roles).toEqual([{ Ref: expect.stringMatching(new RegExp(`^TierCell${cell}InstanceRole`)) }]);
      expect(p.Properties.PolicyDocument.Statement).toEqual([
        {
          Sid: 'ServerSecretsParameters',
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-password',
        },
        {
          Sid: 'ServerSecretsSecrets',
          Effect: 'Allow',
          Action: 'secretsmanager:GetSecretValue',
          Resource: [
            'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-??????',
            'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/signing-AbCdEf',
          ],
        },
        { Sid: 'ServerSecretsDecrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
      ]);
      expect(JSON.stringify(p.Properties.PolicyDocument)).not.toContain('*');
    }
  });

  test('user data reads each secret at boot by reference and holds no value', () => {
    const ud = userDataOf(t, 'a');
    expect(ud).toContain('aws ssm get-parameter --region "$WST_REGION" --name \'/app/db-password\' --with-decryption');
    expect(ud).toContain('aws secretsmanager get-secret-value --region "$WST_REGION" --secret-id \'prod/api\' --query SecretString');
    expect(ud).toContain("--region 'eu-west-1' --secret-id 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/signing-AbCdEf'");
    expect(ud).toContain(`printf '%s=%s\\n' DB_PASSWORD "$(wst_env_value "$WST_SECRET")" >> /etc/websocket-tier/server.env`);
    // the environment heredoc carries the plain environment only
    const heredoc = ud.split("cat > /etc/websocket-tier/server.env <<'WST_EOF'\n")[1].split('\nWST_EOF')[0];
    expect(heredoc).toContain('LOG_LEVEL=info');
    expect(heredoc).not.toMatch(/DB_PASSWORD|API_KEY|SIGNING_KEY/);
  });

  test('AwsSolutions-clean without any acknowledgement (no IAM5 from the secret grants)', () => {
    const report = new AwsSolutionsChecks().validateScope(t.stack);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))).toEqual([]);
  });

  test('no warning: nothing secret-looking is left in server.environment', () => {
    Annotations.fromStack(t.stack).hasNoWarning('/Test/Tier', Match.stringLikeRegexp('@websocket-tier/'));
  });
});

test('without server.secrets there is no read policy and no secret line', () => {
  const t = tierStack({ domainName: 'ws.example.com', cells: [{ name: 'a' }] }, { serverBundleFile: testBundleFile() }, { env: ENV });
  expect(policiesOf(t)).toEqual([]);
  expect(userDataOf(t, 'a')).not.toContain('WST_SECRET');
});

test('an environment-agnostic stack builds the names into ARNs from the pseudo parameters', () => {
  const t = tierStack(
    { domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { secrets: { DB: { ssmParameter: 'db' } } } },
    { serverBundleFile: testBundleFile() },
  );
  const [[, p]] = policiesOf(t);
  expect(p.Properties.PolicyDocument.Statement).toEqual([
    {
      Sid: 'ServerSecretsParameters',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':parameter/db'],
        ],
      },
    },
  ]);
});

test('a CDK token (a secret of the same stack) is taken as its ARN in the policy and the boot line', () => {
  const app = createTestApp();
  const stack = new Stack(app, 'Test', { env: ENV });
  const secret = new secretsmanager.Secret(stack, 'ApiSecret');
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
  const tier = new WebSocketTier(stack, 'Tier', {
    ...withServerStart(
      { domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { secrets: { API: { secretsManagerSecret: secret.secretArn } } } },
      testBundleFile(),
    ),
    serverBundleFile: testBundleFile(),
    hostedZone,
  });
  const t: TierStack = { app, stack, tier, template: Template.fromStack(stack) };
  const [[, p]] = policiesOf(t);
  expect(p.Properties.PolicyDocument.Statement).toEqual([
    {
      Sid: 'ServerSecretsSecrets',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: { Ref: expect.stringMatching(/^ApiSecret/) },
    },
  ]);
  expect(userDataOf(t, 'a')).toMatch(/--secret-id '\{"Ref":"ApiSecret[0-9A-F]+"\}'/);
});

test('an invalid entry fails synthesis with the library error', () => {
  expect(() =>
    tierStack(
      { domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { secrets: { 'db-password': { ssmParameter: 'a b' } } } },
      { serverBundleFile: testBundleFile() },
    ),
  ).toThrow(
    /server\.secrets key "db-password" is not a valid environment variable name[\s\S]*\[server-secret-name-invalid\][\s\S]*\[server-secret-reference-invalid\]/,
  );
});

test('a password left in server.environment is a warning naming server.secrets, without the value', () => {
  const t = tierStack(
    { domainName: 'ws.example.com', cells: [{ name: 'a' }], server: { environment: { DB_PASSWORD: 'hunter2' } } },
    { serverBundleFile: testBundleFile() },
  );
  Annotations.fromStack(t.stack).hasWarning(
    '/Test/Tier',
    Match.stringLikeRegexp(
      'server\\.environment\\.DB_PASSWORD looks like a secret.*server\\.secrets.*\\[ack: @websocket-tier/env-value-looks-secret\\]',
    ),
  );
  const warnings = Annotations.fromStack(t.stack).findWarning('/Test/Tier', Match.anyValue());
  expect(JSON.stringify(warnings)).not.toContain('hunter2');
});
