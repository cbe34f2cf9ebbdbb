/**
 * The CDK app in cdk.json: `npx cdk synth` builds the example chat tier with placeholder DNS
 * values, offline and without an AWS account. Deploy for real with your own zone:
 *
 *   npx cdk deploy -c domain=ws.mycorp.com -c hostedZoneId=Z123... -c hostedZoneName=mycorp.com
 *
 * Optional `-c account=123456789012 -c region=eu-west-1` pin the stack's environment (the new VPC
 * then spans up to 3 AZs, which the CLI looks up with your credentials); without them the stack is
 * environment-agnostic (2 AZs; the CLI's credentials decide the target at deploy time).
 * `-c nag=true` also runs cdk-nag's AwsSolutions pack; the tier acknowledges the findings that are
 * its own design, with reasons, and the one the example adds (no access logs while
 * environment-agnostic) is acknowledged in chat-tier-stack.ts.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ChatTierStack } from './chat-tier-stack';

const app = new App();

/** A context value as a non-empty string, or undefined. */
function context(key: string): string | undefined {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

const domainName = context('domain') ?? 'ws.example.com';
const hostedZoneName = context('hostedZoneName') ?? domainName.split('.').slice(1).join('.');
// Clearly a placeholder: Route 53 rejects it at deploy time, so nobody deploys into a zone by accident.
const hostedZoneId = context('hostedZoneId') ?? 'Z00000000000000000000';
const account = context('account');
const region = context('region');

new ChatTierStack(app, 'WebSocketTierExample', {
  domainName,
  hostedZoneId,
  hostedZoneName,
  env: account !== undefined || region !== undefined ? { account, region } : undefined,
});

if (context('nag') === 'true') {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
