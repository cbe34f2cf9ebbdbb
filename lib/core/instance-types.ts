/**
 * EC2 instance-type names. Source for the naming scheme:
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 * (family letters, generation digit, then attribute letters; `g` = AWS Graviton).
 */

/** `family.size`, e.g. `m7g.large`, `c7i-flex.xlarge`, `c6gn.16xlarge`. */
export const INSTANCE_TYPE_PATTERN = /^([a-z]+)(\d+)([a-z-]*)\.([a-z0-9]+)$/;

/** True when the string is shaped like an EC2 instance type. */
export function isInstanceTypeName(name: string): boolean {
  return INSTANCE_TYPE_PATTERN.test(name);
}

/**
 * CPU architecture of an instance type: arm64 when the attribute letters after the generation
 * digit contain `g` (Graviton: m7g, c7gn, r8g, t4g, x2gd, im4gn), and for `a1` (first-generation
 * Graviton, which predates the `g` attribute); else x86_64.
 * @throws Error when the name is not shaped like an instance type
 */
export function instanceArchitecture(name: string): 'arm64' | 'x86_64' {
  const m = INSTANCE_TYPE_PATTERN.exec(name);
  if (!m) {
    throw new Error(`instanceType '${name}' is not an EC2 instance type name (expected family.size, e.g. 'm7g.large')`);
  }
  if (m[1] === 'a' && m[2] === '1') return 'arm64';
  const attributes = m[3].replace(/-flex$/, '');
  return attributes.includes('g') ? 'arm64' : 'x86_64';
}

/**
 * SSM public parameter holding the latest Amazon Linux 2023 AMI id (default kernel) for an
 * architecture. Source: https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-from-ec2-console
 */
export function amazonLinux2023ImageParameter(architecture: 'arm64' | 'x86_64'): string {
  return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}
