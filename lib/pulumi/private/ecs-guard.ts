import type { Issue } from '../../core/issues';
import type { ResolvedTier } from '../../core/resolved';

/**
 * The Pulumi renderer does not draw ECS cells yet (the CDK renderer does). Rather than render an
 * EC2 Auto Scaling group for a cell declared as Fargate (a silently wrong program), it refuses the
 * tier with the library's error format. Code: `ecs-pulumi-unsupported`, one per
 * `cells[i].backend` that is not EC2.
 */
export function ecsCellIssues(tier: ResolvedTier): Issue[] {
  return tier.cells.flatMap((cell, i) =>
    cell.backend === undefined
      ? []
      : [
          {
            code: 'ecs-pulumi-unsupported',
            path: `cells[${i}].backend`,
            severity: 'error' as const,
            message: `cells[${i}].backend is an ECS backend (cell "${cell.name}"), which the Pulumi components do not render yet. Allowed in Pulumi: { type: 'ec2' } or no backend. Fix: use the CDK construct for ECS cells, or run this cell on EC2.`,
          },
        ],
  );
}
