/**
 * The cdk-nag `AwsSolutions` findings of an ECS cell that are this library's design, with their
 * reasons (how they are written: ./nag-metadata.ts; rules: https://github.com/cdklabs/cdk-nag/blob/main/RULES.md).
 */
import type { ResolvedCell } from '../../core/resolved';
import type { EcsCellResources } from './ecs-service';
import { acknowledgeNag } from './nag-metadata';

/** The acknowledgements of one ECS cell. */
export function acknowledgeEcsNagFindings(cell: ResolvedCell, ecs: EcsCellResources): void {
  acknowledgeNag(ecs.taskDefinition, [
    {
      rule: 'AwsSolutions-ECS2',
      reason:
        'The container environment is the tier → server contract (WST_* ports, timers, limits and names, the same values EC2 cells ' +
        'get in their environment file) plus server.environment, which is documented as plain configuration; none of it is secret.',
    },
  ]);
  if (cell.backend?.service.enableExecuteCommand === true) {
    const taskPolicy = ecs.taskRole.node.tryFindChild('DefaultPolicy');
    if (taskPolicy) {
      acknowledgeNag(taskPolicy, [
        {
          rule: 'AwsSolutions-IAM5',
          finding: 'Resource::*',
          reason:
            'ECS Exec is on (backend.enableExecuteCommand): the Session Manager channel actions ssmmessages:CreateControlChannel, ' +
            'CreateDataChannel, OpenControlChannel and OpenDataChannel have no resource-level permissions (AWS requires Resource "*"); ' +
            'they are the only statements of the task role, which is otherwise empty.',
        },
      ]);
    }
  }
  const image = cell.backend?.container.image;
  if (image?.kind === 'directory' || image?.ecrRepositoryArn !== undefined) {
    const policy = ecs.executionRole.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeNag(policy, [
        {
          rule: 'AwsSolutions-IAM5',
          finding: 'Resource::*',
          reason:
            'ecr:GetAuthorizationToken has no resource-level permissions (AWS requires Resource "*"); the image pull itself ' +
            '(BatchGetImage, GetDownloadUrlForLayer) is limited to the asset repository.',
        },
      ]);
    }
  }
}
