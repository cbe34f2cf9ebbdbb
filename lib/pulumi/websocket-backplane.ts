/**
 * `WebSocketBackplane`: the tier's ElastiCache (Valkey or Redis OSS) replication group as a Pulumi
 * component, rendered from a resolved backplane (lib/core/backplane.ts) with the same settings as
 * the CDK construct: one shard (cluster mode disabled), failover and Multi-AZ with a replica, TLS
 * required, encryption at rest, an AUTH token kept in Secrets Manager, a subnet group on the private
 * subnets and a security group with no egress whose only ingress is the port from each cell's
 * instance security group (`allowFrom`).
 *
 * The AUTH token, and its trade-off: @pulumi/random is not a dependency, so the token is generated
 * at program time with `node:crypto` (core `generateAuthToken`, 64 letters and digits) and wrapped
 * in `pulumi.secret`. Every `pulumi up` generates a fresh candidate, so the secret version ignores
 * changes to `secretString`: the first token stays until you rotate on purpose (`pulumi up
 * --replace <secret-version URN>`, then replace the replication group or update its token). The
 * replication group takes the token from the secret version's output, so the two never disagree,
 * even when the replication group is replaced. The token lives in the Pulumi state, encrypted by
 * the stack's secrets provider; it is never in user data (instances read the secret at boot).
 */
import * as crypto from 'node:crypto';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { generateAuthToken, type ResolvedBackplane, type ResolvedBackplaneIngress } from '../core/backplane';
import { BACKPLANE_IDS, PULUMI_BACKPLANE_IDS } from '../core/ids';
import type { BackplaneRef } from './private/fleet';
import { child, create, type Scope } from './private/util';

export type { BackplaneRef } from './private/fleet';

/** Arguments of a `WebSocketBackplane`. */
export interface WebSocketBackplaneArgs {
  /** The resolved backplane (`planTier(...).tier.backplane`). */
  readonly backplane: ResolvedBackplane;
  /** VPC of the tier. */
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets (the instances' subnets) for the subnet group, at least two AZs with a replica. */
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** The tier's backplane: replication group, subnet group, security group and AUTH token secret. */
export class WebSocketBackplane extends pulumi.ComponentResource {
  /** Pulumi type token (frozen: changing it replaces the backplane). */
  static readonly TYPE = 'websocket-tier:index:WebSocketBackplane';

  /** The replication group. */
  readonly replicationGroup: aws.elasticache.ReplicationGroup;
  /** The subnet group on the private subnets. */
  readonly subnetGroup: aws.elasticache.SubnetGroup;
  /** The secret holding the AUTH token. */
  readonly secret: aws.secretsmanager.Secret;
  /** The secret's value (the token, a Pulumi secret; changes are ignored after creation). */
  readonly secretVersion: aws.secretsmanager.SecretVersion;
  /** The nodes' security group: no egress; ingress added per cell by `allowFrom`. */
  readonly securityGroup: aws.ec2.SecurityGroup;
  /** Primary endpoint address. */
  readonly endpointAddress: pulumi.Output<string>;
  /** Port of every node. */
  readonly port: number;
  /** What the cells' user data needs. */
  readonly ref: BackplaneRef;

  private readonly scope: Scope;

  constructor(name: string, args: WebSocketBackplaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super(WebSocketBackplane.TYPE, name, {}, opts);
    const b = args.backplane;
    const scope: Scope = (this.scope = { name, parent: this });
    this.port = b.port;

    this.securityGroup = create(aws.ec2.SecurityGroup, scope, BACKPLANE_IDS.securityGroup, {
      vpcId: args.vpcId,
      description: b.description,
      // No egress: the nodes answer on established connections only.
      egress: [],
    });
    this.subnetGroup = create(aws.elasticache.SubnetGroup, scope, BACKPLANE_IDS.subnetGroup, {
      description: b.description,
      subnetIds: args.privateSubnetIds,
    });
    this.secret = create(aws.secretsmanager.Secret, scope, BACKPLANE_IDS.authToken, {
      description: `AUTH token of the ${b.description}`,
    });
    const [versionName, versionOpts] = child(scope, PULUMI_BACKPLANE_IDS.authTokenVersion);
    this.secretVersion = new aws.secretsmanager.SecretVersion(
      versionName,
      { secretId: this.secret.id, secretString: pulumi.secret(generateAuthToken(crypto.randomBytes)) },
      // A new candidate is generated on every run; keep the first (see the file comment).
      { ...versionOpts, ignoreChanges: ['secretString'] },
    );
    this.replicationGroup = create(aws.elasticache.ReplicationGroup, scope, BACKPLANE_IDS.replicationGroup, {
      description: b.description,
      engine: b.engine,
      engineVersion: b.engineVersion,
      nodeType: b.nodeType,
      numCacheClusters: b.numCacheClusters,
      clusterMode: b.clusterMode,
      automaticFailoverEnabled: b.automaticFailoverEnabled,
      multiAzEnabled: b.multiAzEnabled,
      port: b.port,
      transitEncryptionEnabled: b.transitEncryptionEnabled,
      transitEncryptionMode: b.transitEncryptionMode,
      atRestEncryptionEnabled: b.atRestEncryptionEnabled,
      authToken: pulumi.secret(this.secretVersion.secretString.apply((s) => s ?? '')),
      autoMinorVersionUpgrade: b.autoMinorVersionUpgrade,
      subnetGroupName: this.subnetGroup.name,
      securityGroupIds: [this.securityGroup.id],
    });
    this.endpointAddress = this.replicationGroup.primaryEndpointAddress;
    this.ref = { endpointAddress: this.endpointAddress, authTokenSecretArn: this.secret.arn };
    this.registerOutputs({ endpointAddress: this.endpointAddress, port: this.port, authTokenSecretArn: this.secret.arn });
  }

  /**
   * Let one cell's instances reach the nodes: an ingress rule on the backplane port from the cell's
   * instance security group (named `<backplane>-ingress-from-<cell>`).
   * @param rule - one of `backplane.ingress`
   * @param instanceSecurityGroupId - the cell's instance security group
   */
  allowFrom(rule: ResolvedBackplaneIngress, instanceSecurityGroupId: pulumi.Input<string>): aws.vpc.SecurityGroupIngressRule {
    return create(aws.vpc.SecurityGroupIngressRule, this.scope, BACKPLANE_IDS.ingressFrom(rule.fromCell), {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: instanceSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: rule.port,
      toPort: rule.port,
      description: rule.description,
    });
  }
}
