/**
 * `server.secrets`: environment variables whose values live in AWS Systems Manager Parameter Store
 * or AWS Secrets Manager and are read ON THE INSTANCE AT BOOT into the server's environment file
 * (`/etc/websocket-tier/server.env`, root-only). User data and the template hold only the
 * reference (a parameter name, a secret name or ARN) and the `aws ssm get-parameter` /
 * `aws secretsmanager get-secret-value` line that reads it, as the backplane's AUTH token is read
 * (lib/core/backplane.ts). The instance role may read exactly those parameters and secrets.
 *
 * Also here: the warning for a `server.environment` value that looks like a secret, which would
 * otherwise be written in plain text into launch-template user data.
 *
 * Sources:
 * - Parameter Store access and SecureString decryption: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html
 * - parameter names: https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html
 * - `aws ssm get-parameter`: https://docs.aws.amazon.com/cli/latest/reference/ssm/get-parameter.html
 * - Secrets Manager ARNs (the 6-character suffix, `-??????` in policies): https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html
 * - secret names: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
 * - Secrets Manager encryption (kms:Decrypt only with a customer managed key): https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 * - `aws secretsmanager get-secret-value`: https://docs.aws.amazon.com/cli/latest/reference/secretsmanager/get-secret-value.html
 * - the environment file's double-quoted values: systemd.exec(5) `EnvironmentFile=`,
 *   https://www.freedesktop.org/software/systemd/man/latest/systemd.exec.html#EnvironmentFile=
 */
import { type Issue, IssueCollector, isPlainObject, type IsUnresolved, neverUnresolved } from './issues';

/** A `server.secrets` entry with its source named. Renderers and user data read exactly this. */
export interface ResolvedServerSecret {
  /** The environment variable the server reads. */
  readonly name: string;
  readonly source: 'ssm-parameter' | 'secrets-manager';
  /** Parameter name, secret name, or ARN, as given (a CDK token stands for an ARN). */
  readonly reference: string;
  /** Secrets Manager only: the key of a JSON `SecretString` whose value is used. */
  readonly jsonKey?: string;
  /** Customer managed KMS key the value is encrypted with (the role gets `kms:Decrypt` on it). */
  readonly kmsKeyArn?: string;
}

/** Where the renderer's stack or program is: values may be late-bound text (CDK pseudo parameters). */
export interface SecretArnContext {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** The IAM resources the instance role may read: each list is exact ARNs (secret names get `-??????`, never `*`). */
export interface ServerSecretGrants {
  /** `ssm:GetParameter` on these parameter ARNs. */
  readonly ssmParameterArns: readonly string[];
  /** `secretsmanager:GetSecretValue` on these secret ARNs. */
  readonly secretArns: readonly string[];
  /** `kms:Decrypt` on these keys (only the customer managed keys given as `kmsKeyArn`). */
  readonly kmsKeyArns: readonly string[];
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Parameter names: letters, digits, `_.-`, and `/` for hierarchies (which then start with `/`). */
const SSM_NAME = /^(?:\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;
const SSM_NAME_MAX = 1011;
const SSM_ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):parameter(\/[A-Za-z0-9_.\-/]+)$/;
/** Secret names: letters, digits and `/_+=.@-`, 1–512 characters. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A complete secret ARN: the name plus the hyphen and six characters Secrets Manager appends. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const JSON_KEY = /^[A-Za-z0-9_.-]{1,128}$/;
/** Bash function quoting a value for a systemd environment file: inside double quotes, `\\`, `"`, `$` and `` ` `` escaped. */
const WST_ENV_VALUE =
  'wst_env_value() { local v=$1; v=${v//\\\\/\\\\\\\\}; v=${v//\\"/\\\\\\"}; v=${v//\\$/\\\\\\$}; v=${v//\\`/\\\\\\`}; printf \'"%s"\' "$v"; }';
const ENTRY_FIELDS = ['ssmParameter', 'secretsManagerSecret', 'jsonKey', 'kmsKeyArn'];

/** The key names that usually hold a secret. */
const SECRET_KEY = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE|CREDENTIAL/i;

/**
 * Why an environment value looks like a secret, or undefined. Looks at the key (PASSWORD, SECRET,
 * TOKEN, API_KEY, PRIVATE, CREDENTIAL) unless the value is a number, a boolean or a URL without
 * credentials, and at the value: AWS access keys and secret keys, private keys, credentials in a
 * URL, well-known token prefixes, and long high-entropy strings.
 */
export function secretLooking(key: string, value: string): string | undefined {
  const v = value.trim();
  if (/^(?:AKIA|ASIA)[A-Z0-9]{16}$/.test(v)) return 'the value is shaped like an AWS access key id';
  if (/^[A-Za-z0-9/+]{40}$/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v) && /\d/.test(v)) {
    return 'the value is shaped like an AWS secret access key (40 characters of base64)';
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v)) return 'the value holds a private key';
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(v)) return 'the value is a URL with a password in it';
  if (/^(?:ghp_|gho_|github_pat_|xox[abprs]-|sk_live_|rk_live_|sk-|glpat-|AIza)[A-Za-z0-9_-]{10,}/.test(v)) {
    return 'the value starts like a well-known API token';
  }
  if (highEntropy(v)) return 'the value is a long random-looking string';
  const plain = v === '' || /^-?\d+(?:\.\d+)?$/.test(v) || /^(?:true|false|yes|no|on|off)$/i.test(v);
  const url = /^https?:\/\/[^@\s]*$/i.test(v);
  if (SECRET_KEY.test(key) && !plain && !url) return `the key ${key} names a secret`;
  return undefined;
}

/** At least 32 characters of one token alphabet, with upper, lower and digits, and ≥ 4 bits of entropy per character. */
function highEntropy(v: string): boolean {
  if (v.length < 32 || !/^[A-Za-z0-9+/=_-]+$/.test(v) || !/[a-z]/.test(v) || !/[A-Z]/.test(v) || !/\d/.test(v)) return false;
  const counts = new Map<string, number>();
  for (const ch of v) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / v.length) * Math.log2(n / v.length);
  return bits >= 4;
}

/**
 * Check `server.secrets` and warn about secret-looking `server.environment` values.
 * @returns every issue: errors naming the entry, the value, what is allowed and the fix
 */
export function validateServerSecrets(
  config: { readonly server?: { readonly secrets?: unknown; readonly environment?: unknown } },
  isUnresolved: IsUnresolved = neverUnresolved,
): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const server = isPlainObject(config.server) ? config.server : undefined;
  const environment = isPlainObject(server?.environment) ? (server.environment as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(environment)) {
    if (!v.known(value) || typeof value !== 'string') continue;
    const why = secretLooking(key, value);
    if (why) {
      v.warn(
        'env-value-looks-secret',
        `server.environment.${key}`,
        `server.environment.${key} looks like a secret (${why}; the value is not repeated here), and server.environment is written in plain text into the launch template's user data, where anyone who can read the template, the launch template or the instance's user data sees it. Fix: store it in SSM Parameter Store (SecureString) or Secrets Manager and move it to server.secrets, e.g. secrets: { ${key}: { ssmParameter: '/app/${key.toLowerCase()}' } }, which the instances read at boot; if it is not a secret, acknowledge this warning.`,
      );
    }
  }
  const secrets: unknown = server?.secrets;
  if (!v.known(secrets)) return v.issues;
  const P = 'server.secrets';
  if (!isPlainObject(secrets)) {
    v.error(
      'server-secrets-invalid',
      P,
      `${P} is ${JSON.stringify(secrets) ?? String(secrets)}; it must be an object keyed by environment variable name. Fix: e.g. { DB_PASSWORD: { ssmParameter: '/app/db-password' } } or { API_KEY: { secretsManagerSecret: 'prod/api', jsonKey: 'key' } }.`,
    );
    return v.issues;
  }
  for (const [name, entry] of Object.entries(secrets)) {
    const p = `${P}.${name}`;
    if (!ENV_NAME.test(name)) {
      v.error(
        'server-secret-name-invalid',
        p,
        `${P} key ${JSON.stringify(name)} is not a valid environment variable name; allowed [A-Z_][A-Z0-9_]*. Fix: rename it, e.g. ${JSON.stringify(
          name
            .toUpperCase()
            .replace(/[^A-Z0-9_]/g, '_')
            .replace(/^(\d)/, '_$1') || 'SECRET',
        )}.`,
      );
    } else if (name.startsWith('WST_')) {
      v.error(
        'server-secret-name-reserved',
        p,
        `${P} key "${name}" uses the reserved WST_ prefix; the library derives those variables from the tier. Fix: rename it.`,
      );
    } else if (Object.prototype.hasOwnProperty.call(environment, name)) {
      v.error(
        'server-secret-name-collision',
        p,
        `${P} key "${name}" is also a key of server.environment; one variable cannot come from both. Fix: remove it from server.environment (the secret's value is read at boot).`,
      );
    }
    validateEntry(v, p, entry);
  }
  return v.issues;
}

function validateEntry(v: IssueCollector, p: string, entry: unknown): void {
  if (!v.known(entry)) return;
  const shape = `{ ssmParameter: '<name or ARN>' } or { secretsManagerSecret: '<name or ARN>', jsonKey?: '<key>' }, each with an optional kmsKeyArn`;
  if (!isPlainObject(entry)) {
    v.error(
      'server-secrets-invalid',
      p,
      `${p} is ${JSON.stringify(entry) ?? String(entry)}; each entry must be ${shape}. Fix: use one of those shapes.`,
    );
    return;
  }
  const unknown = Object.keys(entry).filter((k) => !ENTRY_FIELDS.includes(k));
  const hasSsm = entry.ssmParameter !== undefined;
  const hasSm = entry.secretsManagerSecret !== undefined;
  if (unknown.length > 0 || hasSsm === hasSm) {
    const what =
      unknown.length > 0
        ? `has ${unknown.map((k) => `'${k}'`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not a field`
        : hasSsm
          ? 'names both an SSM parameter and a Secrets Manager secret'
          : 'names no source';
    v.error('server-secrets-invalid', p, `${p} ${what}; each entry must be ${shape}. Fix: give exactly one source with those fields.`);
    return;
  }
  if (hasSsm) {
    const ref = entry.ssmParameter;
    if (v.known(ref) && !validSsmReference(ref)) {
      v.error(
        'server-secret-reference-invalid',
        `${p}.ssmParameter`,
        `${p}.ssmParameter is ${JSON.stringify(ref) ?? String(ref)}; allowed: a parameter name (letters, digits, _ . -, hierarchies starting with /, at most ${SSM_NAME_MAX} characters) or a parameter ARN arn:<partition>:ssm:<region>:<account>:parameter/<name> (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-parameter-name-constraints.html). Fix: e.g. '/app/db-password'.`,
      );
    }
    if (entry.jsonKey !== undefined) {
      v.error(
        'server-secret-json-key-invalid',
        `${p}.jsonKey`,
        `${p}.jsonKey is set, but only Secrets Manager entries pick a key of a JSON SecretString. Fix: remove it, or store one value per parameter.`,
      );
    }
  } else {
    const ref = entry.secretsManagerSecret;
    if (v.known(ref) && !validSecretReference(ref)) {
      v.error(
        'server-secret-reference-invalid',
        `${p}.secretsManagerSecret`,
        `${p}.secretsManagerSecret is ${JSON.stringify(ref) ?? String(ref)}; allowed: a secret name (1–512 of letters, digits and / _ + = . @ -) or a complete secret ARN arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters> (a partial ARN cannot be scoped in IAM; https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html). Fix: give the name, e.g. 'prod/db', or copy the complete ARN.`,
      );
    }
    const key = entry.jsonKey;
    if (v.known(key) && (typeof key !== 'string' || !JSON_KEY.test(key))) {
      v.error(
        'server-secret-json-key-invalid',
        `${p}.jsonKey`,
        `${p}.jsonKey is ${JSON.stringify(key) ?? String(key)}; allowed 1–128 of letters, digits and _ . - (a top-level key of the JSON SecretString). Fix: e.g. 'password'.`,
      );
    }
  }
  const kms = entry.kmsKeyArn;
  if (v.known(kms) && (typeof kms !== 'string' || !KMS_KEY_ARN.test(kms))) {
    v.error(
      'server-secret-kms-key-invalid',
      `${p}.kmsKeyArn`,
      `${p}.kmsKeyArn is ${JSON.stringify(kms) ?? String(kms)}; allowed: a KMS key ARN arn:<partition>:kms:<region>:<account>:key/<key id> (not an alias: IAM matches kms:Decrypt on the key). Fix: copy the key's ARN, or leave it out when the value uses the AWS managed key (aws/ssm, aws/secretsmanager), which needs no KMS permission.`,
    );
  }
}

function validSsmReference(ref: unknown): boolean {
  if (typeof ref !== 'string') return false;
  if (ref.startsWith('arn:')) return SSM_ARN.test(ref) && ref.length <= 2048;
  return SSM_NAME.test(ref) && ref.length <= SSM_NAME_MAX;
}

function validSecretReference(ref: unknown): boolean {
  if (typeof ref !== 'string') return false;
  return ref.startsWith('arn:') ? SECRET_ARN.test(ref) : SECRET_NAME.test(ref);
}

/** `server.secrets` as a sorted list. Total: entries of the wrong shape are left out (validateServerSecrets reports them). */
export function resolveServerSecrets(secrets: unknown): ResolvedServerSecret[] {
  if (!isPlainObject(secrets)) return [];
  return Object.keys(secrets)
    .sort()
    .flatMap((name): ResolvedServerSecret[] => {
      const e: unknown = secrets[name];
      if (!isPlainObject(e)) return [];
      const kms = typeof e.kmsKeyArn === 'string' ? { kmsKeyArn: e.kmsKeyArn } : {};
      if (typeof e.ssmParameter === 'string') return [{ name, source: 'ssm-parameter', reference: e.ssmParameter, ...kms }];
      if (typeof e.secretsManagerSecret === 'string') {
        const jsonKey = typeof e.jsonKey === 'string' ? { jsonKey: e.jsonKey } : {};
        return [{ name, source: 'secrets-manager', reference: e.secretsManagerSecret, ...jsonKey, ...kms }];
      }
      return [];
    });
}

/** The region of a concrete ARN, or undefined (a name, or a late-bound value). */
function arnRegion(ref: string): string | undefined {
  return SSM_ARN.exec(ref)?.[1] ?? SECRET_ARN.exec(ref)?.[1];
}

/**
 * The resource the role may read for one entry: an ARN as given (a late-bound reference is taken
 * as an ARN), a parameter name as `arn:…:parameter/<name>` and a secret name as
 * `arn:…:secret:<name>-??????` (exactly the six characters Secrets Manager appends).
 */
export function serverSecretResourceArn(secret: ResolvedServerSecret, at: SecretArnContext): string {
  const ref = secret.reference;
  if (ref.startsWith('arn:') || !(SSM_NAME.test(ref) || SECRET_NAME.test(ref))) return ref;
  if (secret.source === 'ssm-parameter') {
    return `arn:${at.partition}:ssm:${at.region}:${at.account}:parameter/${ref.replace(/^\//, '')}`;
  }
  return `arn:${at.partition}:secretsmanager:${at.region}:${at.account}:secret:${ref}-??????`;
}

/** The role's read grants for the tier's secrets, deduplicated and sorted. */
export function serverSecretGrants(secrets: readonly ResolvedServerSecret[], at: SecretArnContext): ServerSecretGrants {
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    ssmParameterArns: uniq(secrets.filter((s) => s.source === 'ssm-parameter').map((s) => serverSecretResourceArn(s, at))),
    secretArns: uniq(secrets.filter((s) => s.source === 'secrets-manager').map((s) => serverSecretResourceArn(s, at))),
    kmsKeyArns: uniq(secrets.flatMap((s) => (s.kmsKeyArn !== undefined ? [s.kmsKeyArn] : []))),
  };
}

/**
 * User-data lines (bash, after the environment file is written and `$TOKEN` holds an IMDSv2
 * token) that read each secret at boot and append `NAME="value"` to the environment file, which
 * becomes readable by root only (systemd reads it before dropping to the server's user). The value
 * is double-quoted with `\`, `"`, `$` and `` ` `` escaped, so systemd passes it through exactly,
 * line breaks included (systemd.exec(5) `EnvironmentFile=`); trailing line breaks are dropped by the
 * shell. A value that cannot be read stops the boot (`set -euo pipefail`), so the instance never
 * turns healthy with a missing secret. Nothing is echoed (user data runs without `set -x`).
 * `jsonKey` is picked out with python3, which Amazon Linux 2023 ships (dnf runs on it).
 * @param envFile - the environment file systemd reads (`HOST_PATHS.envFile`)
 * @throws Error when a reference is not text (a renderer defect: TierConfig fields are plain strings or CDK tokens)
 */
export function serverSecretsUserDataLines(secrets: readonly ResolvedServerSecret[], envFile: string): string[] {
  if (secrets.length === 0) return [];
  const lines = [
    '# Server secrets (server.secrets): read at boot into the environment file; only their names are in user data and the template',
    `WST_REGION=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/placement/region)`,
    `chmod 600 ${envFile}`,
    WST_ENV_VALUE,
  ];
  for (const s of secrets) {
    if (typeof s.reference !== 'string') {
      throw new Error(
        `websocket-tier: server.secrets.${s.name} is not a string; give the parameter or secret name or ARN as text (Pulumi: a plain string, not an Output).`,
      );
    }
    const region = arnRegion(s.reference);
    const r = region !== undefined ? `'${region}'` : '"$WST_REGION"';
    const read =
      s.source === 'ssm-parameter'
        ? `aws ssm get-parameter --region ${r} --name '${s.reference}' --with-decryption --query Parameter.Value --output text`
        : `aws secretsmanager get-secret-value --region ${r} --secret-id '${s.reference}' --query SecretString --output text`;
    const pick =
      s.jsonKey !== undefined
        ? ` | python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; sys.stdout.write(v if isinstance(v, str) else json.dumps(v))' '${s.jsonKey}'`
        : '';
    lines.push(`WST_SECRET=$(${read}${pick})`, `printf '%s=%s\\n' ${s.name} "$(wst_env_value "$WST_SECRET")" >> ${envFile}`);
  }
  lines.push('unset WST_SECRET');
  return lines;
}
