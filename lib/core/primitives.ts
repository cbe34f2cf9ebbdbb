/** The enum-like literal types of the model (AWS literal strings where AWS has them). A leaf: imports nothing. */

/** Which Elastic Load Balancing product fronts a cell. */
export type LoadBalancerType = 'application' | 'network';

/**
 * Listener protocol of a Network Load Balancer cell.
 * - `TLS`: the NLB terminates TLS with the tier's ACM certificate. Idle timeout fixed at 350 s by AWS.
 * - `TCP`: TLS passes through and terminates on the instances (you bring the certificate to the
 *   host). The TCP idle timeout is configurable 60–6000 s.
 */
export type NlbListenerProtocol = 'TCP' | 'TLS';

/** Target-group protocol of a Network Load Balancer cell (`TLS` re-encrypts to the instances). */
export type NlbTargetProtocol = 'TCP' | 'TLS';

/** ALB stickiness flavours (AWS literal strings). NLB cells always use `source_ip`. */
export type AlbStickinessType = 'lb_cookie' | 'app_cookie';

/** Every stickiness type a target group can carry (AWS literal strings). */
export type StickinessType = AlbStickinessType | 'source_ip';

/**
 * What the Auto Scaling target-tracking policy follows.
 * - `connection-gauge`: the per-instance connection gauge the servers publish (CloudWatch embedded
 *   metric format, dimension `AutoScalingGroupName`). Exact and per cell.
 * - `load-balancer-connections`: metric math over the load balancer's connection metric divided by
 *   in-service instances (ALB `ActiveConnectionCount`/2, both legs counted; NLB `ActiveFlowCount`).
 *   Needs no server cooperation but lags by the ELB metric period.
 */
export type ScalingSignal = 'connection-gauge' | 'load-balancer-connections';

/** Address families the tier's DNS names and load balancers serve. */
export type IpAddressType = 'ipv4' | 'dualstack';
