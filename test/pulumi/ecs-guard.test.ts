/** The Pulumi components refuse ECS cells (CDK renders them; Pulumi does not yet) instead of drawing an EC2 group. */
import { WebSocketTier } from '../../lib/pulumi';
import { recordProgram } from '../helpers/pulumi-mocks';

test('a Fargate cell is refused with ecs-pulumi-unsupported naming cells[1].backend', async () => {
  await expect(
    recordProgram(
      () =>
        new WebSocketTier('t1', {
          domainName: 'ws.example.com',
          cells: [
            { name: 'a' },
            { name: 'b', backend: { type: 'fargate', image: { uri: 'public.ecr.aws/nginx/nginx:1.27' }, cpu: 1024, memoryMiB: 2048 } },
          ],
          hostedZoneId: 'Z123',
          serverBundleFile: __filename,
        }),
    ),
  ).rejects.toThrow(/cells\[1\]\.backend[\s\S]*ecs-pulumi-unsupported/);
});
