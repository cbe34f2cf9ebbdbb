import { instanceArchitecture, isInstanceTypeName } from '../../lib/core';

describe('instanceArchitecture', () => {
  it.each([
    // Graviton: a `g` among the attribute letters after the generation digit
    ['m7g.large', 'arm64'],
    ['c7gn.16xlarge', 'arm64'],
    ['t4g.micro', 'arm64'],
    ['r8g.xlarge', 'arm64'],
    ['x2gd.medium', 'arm64'],
    ['im4gn.large', 'arm64'],
    ['is4gen.medium', 'arm64'],
    ['c6gd.metal', 'arm64'],
    ['g5g.xlarge', 'arm64'],
    ['hpc7g.4xlarge', 'arm64'],
    ['a1.large', 'arm64'], // first-generation Graviton: no `g` attribute
    ['a1.metal', 'arm64'],
    // x86_64
    ['m7i.large', 'x86_64'],
    ['c6in.xlarge', 'x86_64'],
    ['m5.large', 'x86_64'],
    ['c7i-flex.large', 'x86_64'],
    ['m7i-flex.xlarge', 'x86_64'],
    ['g5.xlarge', 'x86_64'], // GPU family letter g, not Graviton
    ['g4dn.xlarge', 'x86_64'],
    ['gr6.4xlarge', 'x86_64'],
    ['m7a.large', 'x86_64'],
    ['x2iedn.xlarge', 'x86_64'],
    ['t3a.nano', 'x86_64'],
    ['z1d.large', 'x86_64'],
  ] as const)('%s → %s', (name, arch) => {
    expect(isInstanceTypeName(name)).toBe(true);
    expect(instanceArchitecture(name)).toBe(arch);
  });

  it.each(['large', 'm7g', 'M7G.LARGE', 'm7g.', '.large', 'm7g large', ''])('rejects %j', (name) => {
    expect(isInstanceTypeName(name)).toBe(false);
    expect(() => instanceArchitecture(name)).toThrow(/not an EC2 instance type name.*m7g\.large/);
  });
});
