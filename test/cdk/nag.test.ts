/**
 * cdk-nag's AwsSolutions pack over the example tier. cdk-nag 3 is a CDK policy-validation plugin:
 * findings land in the cloud assembly's validation report, and acknowledgements
 * (`Validations.of(construct).acknowledge`) live beside the example in
 * examples/cdk/chat-tier-stack.ts, each with its reason.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatTierStack } from '../../examples/cdk/chat-tier-stack';
import { bundleChatServer } from '../../examples/server/bundle';
import { createTestApp } from '../helpers/cdk-app';

/** The parts of the validation report (cloud-assembly schema `PolicyValidationReportJson`) read here. */
interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly {
      readonly ruleName: string;
      readonly severity?: string;
      readonly description?: string;
      readonly violatingConstructs: readonly { readonly constructPath?: string }[];
    }[];
  }[];
}

let bundleDir: string;
let report: ValidationReport;

beforeAll(() => {
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wst-nag-'));
  const app = createTestApp();
  // Collect the report instead of letting synth print it and throw: the assertions below name
  // every unacknowledged finding with its construct path.
  app.node.setContext(cxapi.FAIL_SYNTH_ON_VALIDATION_ERRORS_CONTEXT, false);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  // A canary with a known finding: cdk-nag 3 writes no plugin report when it finds nothing, so
  // without it a pack that never ran would look the same as a clean example.
  new s3.Bucket(new Stack(app, 'NagCanary'), 'UnencryptedBucket');
  new ChatTierStack(app, 'WebSocketTierExample', {
    domainName: 'ws.example.com',
    hostedZoneId: 'Z00000000000000000000',
    hostedZoneName: 'example.com',
    serverBundleFile: bundleChatServer(bundleDir),
  });
  const assembly = app.synth();
  report = JSON.parse(fs.readFileSync(path.join(assembly.directory, cxapi.VALIDATION_REPORT_FILE), 'utf8'));
});

afterAll(() => {
  fs.rmSync(bundleDir, { recursive: true, force: true });
});

/** `Rule at path (description)` for every unacknowledged AwsSolutions finding of a severity under a stack. */
function findings(severity: string, stack = 'WebSocketTierExample'): string[] {
  const nag = report.pluginReports.filter((r) => r.pluginName === 'AwsSolutions');
  return nag
    .flatMap((r) => r.violations)
    .filter((v) => v.severity === severity)
    .flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath ?? '?'}: ${v.description ?? ''}`))
    .filter((f) => f.includes(` at ${stack}/`))
    .sort();
}

describe('cdk-nag AwsSolutions over the example tier', () => {
  test('the AwsSolutions pack ran (it reports the canary bucket)', () => {
    expect(report.pluginReports.map((r) => r.pluginName)).toContain('AwsSolutions');
    expect(findings('error', 'NagCanary')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S10 at NagCanary\/UnencryptedBucket/)]),
    );
  });

  test('no unacknowledged errors (the created VPC has its flow log: AwsSolutions-VPC7)', () => {
    expect(findings('error')).toEqual([]);
  });

  test('no unacknowledged warnings', () => {
    expect(findings('warning')).toEqual([]);
  });
});
