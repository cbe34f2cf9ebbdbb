/**
 * The cdk-nag `AwsSolutions` findings that are this library's own design, acknowledged with their
 * reasons on the one CloudFormation resource that carries each, so every tier passes the pack
 * without the user copying suppressions. cdk-nag stays a dev dependency: the acknowledgements are
 * plain aws-cdk-lib calls and template metadata, written in the two forms cdk-nag reads:
 * - `Validations.of(resource).acknowledge({ id, reason })`: what cdk-nag 3 (a CDK policy-validation
 *   plugin) reads, one exact finding id per entry, e.g. `AwsSolutions-IAM5[Resource::arn:…:*]`;
 * - CloudFormation metadata `cdk_nag: { rules_to_suppress: [{ id, reason, applies_to? }] }`: the form
 *   cdk-nag 2's `NagSuppressions` writes and reads (finding in `applies_to`; cdk-nag 3 ignores it,
 *   the tests run cdk-nag 3 only); it also keeps the reasons in the template for review.
 * Rules: https://github.com/cdklabs/cdk-nag/blob/main/RULES.md. Findings the user decides are not
 * acknowledged here (see the cdk-nag section of the README).
 */
import * as cdk from 'aws-cdk-lib';
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** One acknowledged finding: rule id (`AwsSolutions-EC23`), optional finding (`Resource::…`) and why. */
export interface NagAcknowledgement {
  readonly rule: string;
  readonly finding?: string;
  readonly reason: string;
}

/** The slice of aws-cdk-lib's `Validations` (newer than the peer floor) used here. */
type ValidationsApi = { of(scope: IConstruct): { acknowledge(...acks: { id: string; reason: string }[]): void } };

/** The CloudFormation metadata key cdk-nag reads suppressions from. */
export const CDK_NAG_METADATA_KEY = 'cdk_nag';

interface Suppression {
  readonly id: string;
  readonly reason: string;
  readonly applies_to?: readonly string[];
}

/**
 * Acknowledge findings on `scope`'s CloudFormation resource (`scope` itself or its default child),
 * in both forms (see the module comment). Existing `cdk_nag` metadata entries are kept.
 * @throws Error when `scope` has no CloudFormation resource (an internal error)
 */
export function acknowledgeNag(scope: IConstruct, acknowledgements: readonly NagAcknowledgement[]): void {
  const resource = CfnResource.isCfnResource(scope) ? scope : scope.node.defaultChild;
  if (!resource || !CfnResource.isCfnResource(resource)) {
    throw new Error(
      `websocket-tier internal error: ${scope.node.path} has no CloudFormation resource to acknowledge on; please report this.`,
    );
  }
  // `Validations` is newer than the peer floor (2.182.0); without it only the metadata below applies.
  const validations = (cdk as unknown as { Validations?: ValidationsApi }).Validations;
  validations
    ?.of(resource)
    .acknowledge(...acknowledgements.map((a) => ({ id: a.finding === undefined ? a.rule : `${a.rule}[${a.finding}]`, reason: a.reason })));
  const existing = (resource.getMetadata(CDK_NAG_METADATA_KEY) as { rules_to_suppress?: Suppression[] } | undefined)?.rules_to_suppress;
  const added = acknowledgements.map((a) => ({
    id: a.rule,
    reason: a.reason,
    ...(a.finding === undefined ? {} : { applies_to: [a.finding] }),
  }));
  const rules: Suppression[] = [...(existing ?? []), ...added];
  resource.addMetadata(CDK_NAG_METADATA_KEY, { rules_to_suppress: rules });
}
