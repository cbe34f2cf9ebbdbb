/**
 * ELB TLS security policies, grouped by the protocol versions they allow.
 * Source: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 * (policy names cross-checked against aws-cdk-lib 2.275.0 `SslPolicy`).
 */
import { DEFAULTS } from './defaults';

/** AWS's current recommendation, and this library's default. TLS 1.3 + 1.2 (restricted ciphers) with hybrid post-quantum key exchange. */
export const RECOMMENDED_TLS_POLICY = DEFAULTS.tlsPolicy;

/** Policies that offer TLS 1.2 and/or 1.3 and nothing older. Route 53 HTTPS health checks work against these. */
export const TLS12_PLUS_POLICIES: readonly string[] = [
  'ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06',
  'ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04',
  'ELBSecurityPolicy-FS-1-2-Res-2020-10',
  'ELBSecurityPolicy-FS-1-2-Res-2019-08',
  'ELBSecurityPolicy-FS-1-2-2019-08',
  'ELBSecurityPolicy-TLS-1-2-2017-01',
  'ELBSecurityPolicy-TLS-1-2-Ext-2018-06',
];

/**
 * TLS 1.3-only policies. Valid for WebSocket clients, but Route 53 HTTPS health checkers need an
 * endpoint offering TLS 1.0–1.2 (Route 53 API `HealthCheckConfig.Type`), so every cell would look
 * unhealthy.
 */
export const TLS13_ONLY_POLICIES: readonly string[] = [
  'ELBSecurityPolicy-TLS13-1-3-2021-06',
  'ELBSecurityPolicy-TLS13-1-3-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09',
];

/** Policies that still allow TLS 1.0 or 1.1, including the CloudFormation/CDK API default. Refused. */
export const LEGACY_TLS_POLICIES: readonly string[] = [
  'ELBSecurityPolicy-2016-08',
  'ELBSecurityPolicy-2015-05',
  'ELBSecurityPolicy-TLS-1-0-2015-04',
  'ELBSecurityPolicy-TLS-1-1-2017-01',
  'ELBSecurityPolicy-FS-2018-06',
  'ELBSecurityPolicy-FS-1-1-2019-08',
  'ELBSecurityPolicy-TLS13-1-0-2021-06',
  'ELBSecurityPolicy-TLS13-1-1-2021-06',
  'ELBSecurityPolicy-TLS13-1-0-PQ-2025-09',
  'ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04',
  'ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09',
];

/** How a policy name is classified. */
export type TlsPolicyClass = 'tls12-plus' | 'tls13-only' | 'legacy' | 'unknown';

/** Classify an ELB security policy name. */
export function classifyTlsPolicy(name: string): TlsPolicyClass {
  if (TLS12_PLUS_POLICIES.includes(name)) return 'tls12-plus';
  if (TLS13_ONLY_POLICIES.includes(name)) return 'tls13-only';
  if (LEGACY_TLS_POLICIES.includes(name)) return 'legacy';
  return 'unknown';
}
