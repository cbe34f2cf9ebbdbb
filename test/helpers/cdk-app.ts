/**
 * CDK test-app factory: feature flags pinned here (never read from cdk.json), so templates do not
 * change when the app's cdk.json or the CDK version's recommended flags change.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { TierConfig } from '../../lib/core/config';
import { WebSocketTier, type WebSocketTierProps } from '../../lib/cdk/websocket-tier';
import { withServerStart } from './server-start';

export { withServerStart } from './server-start';

/** Feature flags every test app uses. */
export const PINNED_CONTEXT: Readonly<Record<string, unknown>> = {
  '@aws-cdk/aws-elasticloadbalancingv2:networkLoadBalancerWithSecurityGroupByDefault': true,
  '@aws-cdk/aws-elasticloadbalancingv2:usePostQuantumTlsPolicy': true,
  '@aws-cdk/aws-elasticloadbalancingv2:albDualstackWithoutPublicIpv4SecurityGroupRulesDefault': true,
  '@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig': true,
  '@aws-cdk/aws-ec2:launchTemplateDefaultUserData': true,
  '@aws-cdk/aws-ec2:uniqueImdsv2TemplateName': true,
  '@aws-cdk/aws-ec2:restrictDefaultSecurityGroup': true,
  '@aws-cdk/aws-ec2:ebsDefaultGp3Volume': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/aws-iam:standardizedServicePrincipals': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
  '@aws-cdk/core:target-partitions': ['aws', 'aws-cn'],
};

/** A new App with the pinned flags and no cdk.json. */
export function createTestApp(extraContext: Record<string, unknown> = {}): App {
  return new App({ context: { ...PINNED_CONTEXT, ...extraContext } });
}

/** The zone every test tier lives in. */
export const TEST_ZONE = { hostedZoneId: 'Z0123456789TESTZONE', zoneName: 'example.com' } as const;

/** A tiny server bundle file for asset tests (written once per process). */
export function testBundleFile(): string {
  const file = path.join(os.tmpdir(), `websocket-tier-test-bundle-${process.pid}.js`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, "console.log('websocket-tier test server');\n");
  return file;
}

/** Extra props besides the config (everything but the zone, which the helper imports). */
export type TierExtras = Partial<Omit<WebSocketTierProps, keyof TierConfig | 'hostedZone'>>;

/** A stack holding one tier built from `config`. */
export interface TierStack {
  readonly app: App;
  readonly stack: Stack;
  readonly tier: WebSocketTier;
  readonly template: Template;
}

/**
 * Build `App → Stack('Test') → WebSocketTier('Tier')` from a config and return its template.
 * @param stackProps - e.g. `{ env: { account, region } }`; env-agnostic by default
 */
export function tierStack(config: TierConfig, extras: TierExtras = {}, stackProps: StackProps = {}): TierStack {
  const app = createTestApp();
  const stack = new Stack(app, 'Test', stackProps);
  const hostedZone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', TEST_ZONE);
  const tier = new WebSocketTier(stack, 'Tier', { ...withServerStart(config, extras.serverBundleFile), ...extras, hostedZone });
  return { app, stack, tier, template: Template.fromStack(stack) };
}

/** A one-cell config at ws.example.com; `cell` and the rest override. */
export function oneCell(cell: TierConfig['cells'][number] = { name: 'a' }, rest: Partial<TierConfig> = {}): TierConfig {
  return { domainName: 'ws.example.com', cells: [cell], ...rest };
}

/** The user data of a cell's launch template with Fn::Join flattened (tokens shown as JSON). */
export function userDataOf(t: TierStack, cell: string): string {
  const lt = t.tier.cell(cell).launchTemplate.node.defaultChild as ec2.CfnLaunchTemplate;
  const data = Stack.of(lt).resolve((lt.launchTemplateData as ec2.CfnLaunchTemplate.LaunchTemplateDataProperty).userData) as unknown;
  const flatten = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(flatten).join('');
    const o = v as Record<string, unknown>;
    if (o['Fn::Base64'] !== undefined) return flatten(o['Fn::Base64']);
    if (o['Fn::Join'] !== undefined) {
      const [sep, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(sep);
    }
    return JSON.stringify(v);
  };
  return flatten(data);
}
