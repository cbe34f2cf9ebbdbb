/**
 * The two security groups of a cell, least privilege (the same rules as the CDK renderer):
 * - load balancer: ingress exactly `cell.loadBalancerIngress` (CIDR rules), egress only to the
 *   instance group on the instance ports (`cell.instanceIngress`), nothing else;
 * - instances: ingress only from the load-balancer group, egress open over IPv4 (S3 for the server
 *   bundle, dnf repositories, CloudWatch, Auto Scaling lifecycle API).
 * The load balancer's egress rules are separate resources because the two groups reference each
 * other; the group itself declares no `egress`, so the provider leaves those rules alone.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { CELL_IDS, PULUMI_CELL_IDS } from '../../core/ids';
import type { ResolvedCell } from '../../core/resolved';
import { child, create, type Scope } from './util';

/** The cell's security groups. */
export interface CellSecurityGroups {
  readonly loadBalancer: aws.ec2.SecurityGroup;
  readonly instances: aws.ec2.SecurityGroup;
}

/** Rule source meaning "the cell's load-balancer security group" in `ResolvedIngressRule.from`. */
const FROM_LOAD_BALANCER = 'loadBalancer';

function cidrRule(cidr: string): { cidrBlocks?: string[]; ipv6CidrBlocks?: string[] } {
  return cidr.includes(':') ? { ipv6CidrBlocks: [cidr] } : { cidrBlocks: [cidr] };
}

/** Create both groups and every rule the plan lists. */
export function renderSecurityGroups(scope: Scope, cell: ResolvedCell, vpcId: pulumi.Input<string>): CellSecurityGroups {
  const loadBalancer = create(aws.ec2.SecurityGroup, scope, CELL_IDS.loadBalancerSecurityGroup, {
    vpcId,
    description: `websocket-tier cell ${cell.name}: load balancer`,
    ingress: cell.loadBalancerIngress.map((rule) => ({
      protocol: 'tcp',
      fromPort: rule.port,
      toPort: rule.port,
      description: rule.description,
      ...cidrRule(rule.from),
    })),
  });
  for (const rule of cell.instanceIngress) {
    if (rule.from !== FROM_LOAD_BALANCER) {
      throw new Error(
        `websocket-tier internal error: cell "${cell.name}" instance ingress from ${rule.from} is not supported; please report this.`,
      );
    }
  }
  const instances = create(aws.ec2.SecurityGroup, scope, CELL_IDS.instanceSecurityGroup, {
    vpcId,
    description: `websocket-tier cell ${cell.name}: instances`,
    ingress: cell.instanceIngress.map((rule) => ({
      protocol: 'tcp',
      fromPort: rule.port,
      toPort: rule.port,
      description: rule.description,
      securityGroups: [loadBalancer.id],
    })),
    egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Allow all outbound traffic by default' }],
  });
  for (const rule of cell.instanceIngress) {
    const [name, opts] = child(scope, PULUMI_CELL_IDS.loadBalancerEgress);
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-${rule.port}`,
      {
        securityGroupId: loadBalancer.id,
        referencedSecurityGroupId: instances.id,
        ipProtocol: 'tcp',
        fromPort: rule.port,
        toPort: rule.port,
        description: `to instances: ${rule.description}`,
      },
      opts,
    );
  }
  return { loadBalancer, instances };
}
