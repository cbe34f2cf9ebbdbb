/**
 * A tier running the Python example server (examples/python-server/server.py) through
 * `server.command` + `server.artifact`: the server contract is language-neutral, and the tier ships
 * and runs any executable under the same systemd unit, limits, environment and drain timing.
 *
 * - `artifact`: the folder is zipped into one S3 object and unpacked into `/opt/websocket-tier/app`
 *   on each instance, the unit's working directory;
 * - `preStart`: installs the websockets library once before the first start. The server is written
 *   for websockets 10.4 (Debian 12's `python3-websockets`, which the conformance kit runs in CI).
 *   Whether Amazon Linux 2023 has a `python3-websockets` package, and at which version, is not
 *   confirmed here (no AWS access), so the version CI runs is pinned through pip instead of an
 *   assumed dnf package name. These commands were not run on an instance: `python3-pip` as the
 *   AL2023 package name is likewise unconfirmed, and pip needs a route to PyPI (NAT) or a wheel in
 *   the artifact (examples/python-server/README.md, "Deploying it with the tier");
 * - `command`: `/usr/bin/python3 server.py`, run in the unpacked folder.
 *
 * test/examples/python-tier.test.ts synthesizes it with CDK and Pulumi.
 */
import * as path from 'node:path';
import type { TierConfig } from '../lib/core/config';

/** Folder shipped as the server artifact. */
export const PYTHON_SERVER_DIR = path.join(__dirname, 'python-server');

/** The tier at `domainName`, two ALB cells, running the Python server. */
export function pythonTierConfig(domainName: string): TierConfig {
  return {
    domainName,
    cells: [{ name: 'a' }, { name: 'b' }],
    server: {
      artifact: PYTHON_SERVER_DIR,
      preStart: ['dnf install -y python3-pip', "pip3 install 'websockets==10.4'"],
      command: { executable: '/usr/bin/python3', args: ['server.py'] },
    },
  };
}
