/**
 * The Python example server deployed by the tier (examples/python-tier-config.ts): both renderers
 * ship the folder as one zipped object and run `/usr/bin/python3 server.py` in the unpacked folder
 * after `preStart`, under the tier's unit with the contract environment.
 */
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { planTier, SERVER_PATHS, systemdUnit, userDataLines } from '../../lib/core';
import { WebSocketTier as PulumiTier } from '../../lib/pulumi';
import { pythonTierConfig } from '../../examples/python-tier-config';
import { tierStack } from '../helpers/cdk-app';
import { recordProgram } from '../helpers/pulumi-mocks';

const config = pythonTierConfig('ws.example.com');

test('the tier validates and resolves to a command start with the folder as a zipped artifact', () => {
  const { tier, warnings } = planTier('python', config);
  expect(warnings).toEqual([]);
  expect(tier.server.start).toMatchObject({
    kind: 'command',
    argv: ['/usr/bin/python3', 'server.py'],
    workingDirectory: SERVER_PATHS.app,
    artifact: { format: 'directory', packaging: 'zip', installPath: SERVER_PATHS.app },
  });
  const unit = systemdUnit(tier, tier.cells[0]);
  expect(unit).toMatch(/^ExecStart=\/usr\/bin\/python3 server\.py$/m);
  expect(unit).toContain(`WorkingDirectory=${SERVER_PATHS.app}`);
  expect(unit).toMatch(/^EnvironmentFile=/m);
  const ud = userDataLines(tier, tier.cells[0], { s3Uri: 's3://bucket/key.zip' }).join('\n');
  const unzip = ud.indexOf('unzip');
  const pip = ud.indexOf("pip3 install 'websockets==10.4'");
  const start = ud.indexOf('systemctl enable --now');
  expect(unzip).toBeGreaterThan(-1);
  expect(pip).toBeGreaterThan(unzip);
  expect(start).toBeGreaterThan(pip);
});

test('CDK: one zipped asset of the folder, and every cell runs it', () => {
  const t = tierStack(config);
  const asset = t.tier.serverBundle!;
  expect(asset.isZipArchive).toBe(true);
  for (const name of ['a', 'b']) {
    const lt = t.tier.cell(name).launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
    const ud = JSON.stringify(Stack.of(lt).resolve((lt.launchTemplateData as ec2.CfnLaunchTemplate.LaunchTemplateDataProperty).userData));
    expect(ud).toContain('ExecStart=/usr/bin/python3 server.py');
    expect(ud).toContain(asset.s3ObjectKey);
  }
});

test('Pulumi: one content-addressed zip object, and every cell runs it', async () => {
  const { recorder } = await recordProgram(() => new PulumiTier('py', { ...config, hostedZoneId: 'Z00000000000000000000' }));
  const objects = recorder.ofType('aws:s3/bucketObjectv2:BucketObjectv2');
  const keys = objects.map((o) => String(o.inputs.key)).filter((k) => /^server-[0-9a-f]{64}\.zip$/.test(k));
  expect(keys).toHaveLength(1);
  const templates = recorder.ofType('aws:ec2/launchTemplate:LaunchTemplate');
  expect(templates).toHaveLength(2);
  for (const lt of templates) {
    const ud = Buffer.from(String(lt.inputs.userData), 'base64').toString('utf8');
    expect(ud).toContain('ExecStart=/usr/bin/python3 server.py');
    expect(ud).toContain(keys[0]);
  }
});
