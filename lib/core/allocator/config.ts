/**
 * The endpoint allocator (`allocator` on the tier): an HTTPS endpoint, `alloc.<domainName>` by
 * default, that answers `GET /` with the direct URL of the healthy active cell with the most
 * headroom and a short-lived signed ticket (`lib/core/allocator/ticket.ts`), or 503 with a retry
 * hint when every cell is full. Clients (`websocket-tier/client`, `allocatorUrl`) ask it on every
 * connect and reconnect and fall back to the tier's DNS name when it is unreachable; servers verify
 * the ticket at the upgrade (`allocation`, docs/server-contract.md §14).
 *
 * Endpoint choice: **API Gateway HTTP API** with a Regional custom domain, not a Lambda function URL.
 * - An HTTP API Regional custom domain takes an ACM certificate in the API's own Region, so the
 *   tier's certificate (`*.<domainName>`, already in the cells' Region) covers `alloc.<domainName>`
 *   with a Route 53 alias and nothing else:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html,
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html
 *   (HTTP API custom domains negotiate TLS 1.2 only, whatever the tier's `tlsPolicy`.)
 * - A function URL has only its generated name (`https://<url-id>.lambda-url.<region>.on.aws`) and
 *   cannot take a custom domain directly: `alloc.<domainName>` would need a CloudFront distribution in
 *   front of it, whose certificate must live in us-east-1, i.e. a second certificate outside the tier's
 *   Region: https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html,
 *   https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html
 * - HTTP APIs throttle per stage and route (token bucket, `429`), which a function URL does not
 *   (only the function's reserved concurrency caps it):
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html
 * - HTTP APIs answer CORS preflights themselves from a CORS configuration:
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html (function URLs have
 *   one too; it is not the deciding point).
 * - AWS's own guidance puts custom domain names and throttling on the API Gateway side:
 *   https://docs.aws.amazon.com/lambda/latest/dg/apig-http-invoke-decision.html
 * The handler (`handler.ts`) is renderer-independent: the same function answers behind API Gateway,
 * in the local twin, or in any HTTP server.
 */

/** Where the allocator reads each cell's live connection count. */
export type AllocatorLoadSource = 'backplane' | 'cloudwatch';

/** What the cells' servers do with tickets (`WST_ALLOCATION`, docs/server-contract.md §14). */
export type AllocationMode = 'off' | 'prefer' | 'require';

/** The tier's endpoint allocator. `allocator: {}` gives the defaults. */
export interface AllocatorConfig {
  /**
   * The allocator's DNS label under the tier name: the endpoint is `<subdomain>.<domainName>`,
   * covered by the tier's wildcard certificate. A lowercase DNS label (`[a-z0-9-]`, 1–63
   * characters, no leading or trailing hyphen), not the name of a cell (each cell's direct name is
   * `<cell>.<domainName>`).
   * @default 'alloc'
   */
  readonly subdomain?: string;
  /**
   * Lifetime of a ticket, seconds: integer 5–300. It must cover the client's DNS lookup, TCP and TLS
   * handshakes and the upgrade after the allocator answered; a longer one lets a ticket be reused
   * longer (tickets are not single-use: see docs/server-contract.md §14).
   * @default 30
   */
  readonly ticketTtlSeconds?: number;
  /**
   * What servers do at the upgrade (`WST_ALLOCATION`): `off` ignores tickets; `prefer` accepts a
   * client without a ticket (the DNS path keeps working) but refuses an invalid one with HTTP 403;
   * `require` refuses a client without a valid ticket for its cell with HTTP 403, so no client can
   * pin itself to a full cell (clients whose allocator is unreachable then cannot connect at all).
   * @default 'prefer'
   */
  readonly mode?: AllocationMode;
  /**
   * Where live per-cell load comes from. `backplane`: the connection-count hash each server
   * publishes to the tier's Redis (`wst:connections:<cell>`, one field per node, republished every
   * `loadPublishIntervalSeconds` with a lifetime of 3 intervals); needs `backplane`. `cloudwatch`:
   * the connection gauge (`ActiveConnections`, 60-second period), delayed by a period plus
   * CloudWatch's ingestion delay, so 1–3 minutes old.
   * @default - 'backplane' when the tier has a `backplane`, else 'cloudwatch'
   */
  readonly loadSource?: AllocatorLoadSource;
  /**
   * How old a cell's load reading may be, seconds (integer 5–900), before the allocator treats it as
   * unknown: a cell with unknown load is chosen only when no cell with a fresh reading has room, and
   * then by Route 53 weight, as DNS would. At least 2 × `loadPublishIntervalSeconds` with the
   * backplane, at least 120 with CloudWatch (error `allocator-staleness-below-publish`).
   * @default - 3 × `loadPublishIntervalSeconds` (30) with the backplane; 180 with CloudWatch
   */
  readonly stalenessSeconds?: number;
  /**
   * How often each server publishes its connection count to the backplane for the allocator,
   * seconds: integer 1–300 (`WST_LOAD_PUBLISH_INTERVAL_MS` = this × 1000).
   * @default 10
   */
  readonly loadPublishIntervalSeconds?: number;
  /**
   * `retryAfterSeconds` of the 503 answer when every cell is full or none is healthy (also its
   * `Retry-After` header, RFC 9110 §10.2.3): integer 1–3600. Clients wait it plus their own jittered
   * backoff.
   * @default 10
   */
  readonly retryAfterSeconds?: number;
  /**
   * Fraction of a cell's capacity (its `maxCapacity` × `targetConnectionsPerInstance`) the allocator
   * fills before it calls the cell full: a number greater than 0 and at most 1.
   * @default 1
   */
  readonly fullAtFraction?: number;
}

/** Allocator defaults (documented on each field of {@link AllocatorConfig}). */
export const ALLOCATOR_DEFAULTS = {
  subdomain: 'alloc',
  ticketTtlSeconds: 30,
  mode: 'prefer',
  loadPublishIntervalSeconds: 10,
  /** Backplane entries live 3 publish intervals (the rebalancing store's rule, docs/server-contract.md §12). */
  backplaneStalenessIntervals: 3,
  /** One 60-second gauge period plus up to two minutes of CloudWatch ingestion and aggregation delay. */
  cloudwatchStalenessSeconds: 180,
  retryAfterSeconds: 10,
  fullAtFraction: 1,
} as const;

/** Allocator ranges (inclusive). */
export const ALLOCATOR_LIMITS = {
  ticketTtlSeconds: { min: 5, max: 300 },
  stalenessSeconds: { min: 5, max: 900 },
  loadPublishIntervalSeconds: { min: 1, max: 300 },
  retryAfterSeconds: { min: 1, max: 3600 },
  /** With CloudWatch, the gauge's 60 s period plus ingestion delay: a shorter staleness would call every reading stale. */
  cloudwatchMinStalenessSeconds: 120,
} as const;

/** Every key of {@link AllocatorConfig} (unknown keys are refused with `allocator-unknown-field`). */
export const ALLOCATOR_FIELDS: readonly (keyof AllocatorConfig)[] = [
  'subdomain',
  'ticketTtlSeconds',
  'mode',
  'loadSource',
  'stalenessSeconds',
  'loadPublishIntervalSeconds',
  'retryAfterSeconds',
  'fullAtFraction',
];

/** One cell as the allocator sees it (from the resolved tier). */
export interface ResolvedAllocatorCell {
  readonly name: string;
  /** `wss://<cell>.<domainName>/`: the cell's direct name (needs `dns.cellRecords`). */
  readonly url: string;
  readonly state: 'active' | 'draining' | 'retired';
  /** Route 53 weight as configured (the prior when load is unknown). */
  readonly weight: number;
  /** Connections the cell holds at its scaled-out target: `maxCapacity` × `targetConnectionsPerInstance` × `fullAtFraction`. */
  readonly capacity: number;
}

/** The allocator with every default applied. */
export interface ResolvedAllocator {
  /** `<subdomain>.<domainName>`. */
  readonly domainName: string;
  readonly ticketTtlSeconds: number;
  readonly mode: AllocationMode;
  readonly loadSource: AllocatorLoadSource;
  readonly stalenessSeconds: number;
  readonly loadPublishIntervalSeconds: number;
  readonly retryAfterSeconds: number;
  readonly cells: readonly ResolvedAllocatorCell[];
}
