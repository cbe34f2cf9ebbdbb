/**
 * Checks on a VPC the user passes (`WebSocketTierProps.vpc`), run with the tier rules so a VPC the
 * tier cannot use is refused with the library's error instead of aws-cdk-lib's
 * ("There are no 'Public' subnet groups in this VPC").
 */
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Issue } from '../../core/issues';

/**
 * Code `vpc-subnets-missing` (error) when the VPC has no public or no private subnets: the load
 * balancers are internet-facing in its public subnets, the instances and tasks run in its private
 * subnets (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
 * The Pulumi component's counterpart is `pulumi-vpc-incomplete` (vpcId without subnet ids).
 */
export function givenVpcIssues(vpc: ec2.IVpc | undefined): Issue[] {
  if (vpc === undefined) return [];
  const missing = [vpc.publicSubnets.length === 0 ? 'public' : undefined, vpc.privateSubnets.length === 0 ? 'private' : undefined].filter(
    (x): x is string => x !== undefined,
  );
  if (missing.length === 0) return [];
  return [
    {
      code: 'vpc-subnets-missing',
      path: 'vpc',
      severity: 'error',
      message: `vpc has no ${missing.join(' and no ')} subnets; the tier puts its internet-facing load balancers in public subnets and its servers in private subnets with egress (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer). Fix: pass a VPC that has both (Vpc.fromLookup, or Vpc.fromVpcAttributes with publicSubnetIds and privateSubnetIds), or leave vpc out to let the tier create one.`,
    },
  ];
}
