/** The default machine image of a cell's instances. */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { amazonLinux2023ImageParameter } from '../../core/instance-types';
import type { ResolvedCell } from '../../core/resolved';

/** Latest Amazon Linux 2023 for the cell's architecture: the same SSM public parameter every renderer uses, resolved at deploy time (no lookup). */
export function amazonLinux2023(cell: ResolvedCell): ec2.IMachineImage {
  return ec2.MachineImage.fromSsmParameter(amazonLinux2023ImageParameter(cell.autoScaling.architecture), {
    os: ec2.OperatingSystemType.LINUX,
  });
}
