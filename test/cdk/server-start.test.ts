/**
 * Any server on CDK cells: `server.artifact` becomes the one `s3_assets.Asset` (a directory zipped
 * by CDK, an archive or a file uploaded as is), user data unpacks it and runs `server.command`
 * under the tier's unit; a tier with no server start, or two, is refused at synthesis.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { WebSocketTier } from '../../lib/cdk';
import { SERVER_PATHS } from '../../lib/core';
import { createTestApp, oneCell, TEST_ZONE, testBundleFile, tierStack, type TierStack, userDataOf } from '../helpers/cdk-app';

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-cdk-artifact-'));
const DIR = path.join(ROOT, 'app');
fs.mkdirSync(path.join(DIR, 'bin'), { recursive: true });
fs.writeFileSync(path.join(DIR, 'bin', 'server'), '#!/bin/sh\n', { mode: 0o755 });
const TGZ = path.join(ROOT, 'app.tar.gz');
fs.writeFileSync(TGZ, 'tgz\n');

describe('a directory artifact run by server.command', () => {
  let t: TierStack;
  beforeAll(() => {
    t = tierStack(
      oneCell(
        { name: 'a' },
        {
          server: {
            command: { executable: `${SERVER_PATHS.app}/bin/server`, args: ['--cell', 'a b'] },
            artifact: DIR,
            preStart: ['dnf install -y libstdc++'],
          },
        },
      ),
    );
  });

  test('is one zipped asset, read by the instance role on its key only', () => {
    const asset = t.tier.serverBundle!;
    expect(asset.isZipArchive).toBe(true);
    expect(asset.s3ObjectKey).toMatch(/^[0-9a-f]{64}\.zip$/);
    const policy = t.template.findResources('AWS::IAM::Policy');
    const reads = Object.values(policy).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string[]; Resource: unknown }[]).filter((s) =>
        [s.Action].flat().includes('s3:GetObject'),
      ),
    );
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0].Resource)).toContain(`/${asset.s3ObjectKey}"`);
  });

  test('user data unzips it into the app directory, runs preStart, then the command in that directory', () => {
    const ud = userDataOf(t, 'a');
    expect(ud).toContain('dnf install -y unzip amazon-cloudwatch-agent');
    expect(ud).toContain(`/${t.tier.serverBundle!.s3ObjectKey}"}' /opt/websocket-tier/artifact.zip\n`);
    expect(ud).toContain(`unzip -q -o /opt/websocket-tier/artifact.zip -d ${SERVER_PATHS.app}`);
    expect(ud.indexOf('dnf install -y libstdc++')).toBeGreaterThan(ud.indexOf('unzip -q'));
    expect(ud).toContain(`WorkingDirectory=${SERVER_PATHS.app}\nExecStart=${SERVER_PATHS.app}/bin/server --cell "a b"\n`);
    expect(ud).toContain('LimitNOFILE=1048576');
    expect(ud).toContain('Restart=on-failure');
    expect(ud).not.toContain('nodejs22');
  });
});

test('a .tar.gz artifact is uploaded as is and untarred', () => {
  const t = tierStack(oneCell({ name: 'a' }, { server: { command: { executable: 'python3', args: ['app.py'] }, artifact: TGZ } }));
  expect(t.tier.serverBundle!.isFile).toBe(true); // uploaded as is (CDK zips only directories)
  expect(t.tier.serverBundle!.s3ObjectKey).toMatch(/^[0-9a-f]{64}\.gz$/);
  expect(userDataOf(t, 'a')).toContain(`tar -xzf /opt/websocket-tier/artifact.tar.gz -C ${SERVER_PATHS.app} --no-same-owner`);
});

test('a command with no artifact creates no asset', () => {
  const t = tierStack(oneCell({ name: 'a' }, { server: { command: { executable: 'websocket-echo' } } }));
  expect(t.tier.serverBundle).toBeUndefined();
  expect(userDataOf(t, 'a')).toContain('ExecStart=websocket-echo\n');
});

describe('refused at synthesis', () => {
  const build = (props: Partial<ConstructorParameters<typeof WebSocketTier>[2]>) => () => {
    const stack = new Stack(createTestApp(), 'Test');
    const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
    new WebSocketTier(stack, 'Tier', { ...oneCell(), hostedZone, ...props });
  };

  test('nothing starts the server (no bundle, command, artifact or image unit): server-no-start', () => {
    expect(build({})).toThrow(
      /Test\/Tier: [\s\S]*server has no command[\s\S]*which stock Amazon Linux does not have[\s\S]*\[server-no-start\]/,
    );
    expect(build({ server: { unitProvidedByImage: true } })).not.toThrow();
  });

  test('a bundle and a command: server-start-conflict on serverBundleFile', () => {
    expect(build({ serverBundleFile: testBundleFile(), server: { command: { executable: 'node-22' } } })).toThrow(
      /serverBundleFile is [\s\S]*server\.command is set too[\s\S]*\[server-start-conflict\]/,
    );
  });
});
