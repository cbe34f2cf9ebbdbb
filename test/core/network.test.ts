import { subnetCidrBlocks, subnetPrefixLength, TIER_VPC } from '../../lib/core/network';

describe('TIER_VPC and its subnet layouts', () => {
  test('Pulumi layout: /20s from the start of the /16, public first (the CIDRs its deployed stacks have)', () => {
    expect(subnetCidrBlocks(TIER_VPC, TIER_VPC.pulumi, TIER_VPC.pulumi.maxAzs)).toEqual({
      public: ['10.0.0.0/20', '10.0.16.0/20'],
      'private-with-egress': ['10.0.32.0/20', '10.0.48.0/20'],
    });
  });

  test("CDK layout: CDK's even split, /18 at 2 AZs and /19 at 3 (the example snapshot's CIDRs)", () => {
    expect(subnetCidrBlocks(TIER_VPC, TIER_VPC.cdk, 2)).toEqual({
      public: ['10.0.0.0/18', '10.0.64.0/18'],
      'private-with-egress': ['10.0.128.0/18', '10.0.192.0/18'],
    });
    expect(subnetCidrBlocks(TIER_VPC, TIER_VPC.cdk, 3)['private-with-egress']).toEqual(['10.0.96.0/19', '10.0.128.0/19', '10.0.160.0/19']);
  });

  test('even split takes the largest equal power-of-two block; a fixed mask is kept', () => {
    expect([4, 5, 6, 8, 9].map((n) => subnetPrefixLength('10.0.0.0/16', n, 'even-split'))).toEqual([18, 19, 19, 19, 20]);
    expect(subnetPrefixLength('10.0.0.0/16', 6, 20)).toBe(20);
  });

  test('subnets that do not fit in the VPC CIDR are an error, never a silent overlap', () => {
    expect(() => subnetCidrBlocks(TIER_VPC, { ...TIER_VPC.pulumi, subnetCidrMask: 17 }, 2)).toThrow(
      /4 subnets of \/17 do not fit in 10\.0\.0\.0\/16/,
    );
  });

  test('every layout spans at least the ALB minimum of 2 AZs', () => {
    for (const layout of [TIER_VPC.cdk, TIER_VPC.pulumi]) expect(layout.maxAzs).toBeGreaterThanOrEqual(TIER_VPC.minAzs);
    expect(TIER_VPC.minAzs).toBe(2);
  });
});
