/**
 * The two security groups of a cell, least privilege:
 * - load balancer: ingress exactly `cell.loadBalancerIngress` (CIDR rules), egress only to the
 *   instance group on the application and health-check ports;
 * - instances: ingress only from the load balancer group (`cell.instanceIngress`), egress open
 *   (S3 for the server bundle, dnf repositories, CloudWatch, Auto Scaling lifecycle API).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { CELL_IDS } from '../../core/ids';
import type { ResolvedCell } from '../../core/resolved';

/** The cell's security groups. */
export interface CellSecurityGroups {
  readonly loadBalancer: ec2.SecurityGroup;
  readonly instances: ec2.SecurityGroup;
}

/** Rule source meaning "the cell's load-balancer security group" in `ResolvedIngressRule.from`. */
const FROM_LOAD_BALANCER = 'loadBalancer';

function cidrPeer(cidr: string): ec2.IPeer {
  return cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
}

/** Create both groups and every rule the plan lists. */
export function renderSecurityGroups(scope: Construct, cell: ResolvedCell, vpc: ec2.IVpc): CellSecurityGroups {
  const loadBalancer = new ec2.SecurityGroup(scope, CELL_IDS.loadBalancerSecurityGroup, {
    vpc,
    description: `websocket-tier cell ${cell.name}: load balancer`,
    allowAllOutbound: false,
  });
  const instances = new ec2.SecurityGroup(scope, CELL_IDS.instanceSecurityGroup, {
    vpc,
    description: `websocket-tier cell ${cell.name}: ${cell.backend !== undefined ? 'tasks' : 'instances'}`,
    allowAllOutbound: true,
  });
  for (const rule of cell.loadBalancerIngress) {
    loadBalancer.addIngressRule(cidrPeer(rule.from), ec2.Port.tcp(rule.port), rule.description);
  }
  for (const rule of cell.instanceIngress) {
    if (rule.from !== FROM_LOAD_BALANCER) {
      throw new Error(
        `websocket-tier internal error: cell "${cell.name}" instance ingress from ${rule.from} is not supported; please report this.`,
      );
    }
    // Connections.allowFrom writes both sides: instance ingress and load-balancer egress.
    instances.connections.allowFrom(loadBalancer, ec2.Port.tcp(rule.port), rule.description);
  }
  return { loadBalancer, instances };
}
