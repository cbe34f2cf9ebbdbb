/**
 * The Pulumi program of Pulumi.yaml: the example chat tier. Configure it per stack:
 *
 *   pulumi config set domain ws.mycorp.com
 *   pulumi config set hostedZoneId Z0123456789ABCDEFGHIJ
 *   pulumi config set aws:region us-east-1
 *   pulumi up
 *
 * Without config it uses placeholder values (ws.example.com, Z00000000000000000000), which is
 * enough for `pulumi preview` shapes and for the tests, never for a deployment.
 */
import * as pulumi from '@pulumi/pulumi';
import { buildExampleTier } from './tier';

const config = new pulumi.Config();
const tier = buildExampleTier({
  domainName: config.get('domain') ?? 'ws.example.com',
  hostedZoneId: config.get('hostedZoneId') ?? 'Z00000000000000000000',
});

/** `wss://` URL of the tier (weighted over every cell). */
export const url = tier.url;
/** Direct `wss://` URL of each cell. */
export const cellUrls = tier.cellUrls;
