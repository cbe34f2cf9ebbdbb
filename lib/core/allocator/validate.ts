/**
 * `allocator` rules (called by `validateTier()`): field types and ranges, the load source against
 * the backplane, the subdomain against the cell names, and the cells' direct names the allocator
 * hands out. Every problem at once; nothing is clamped.
 */
import type { TierConfig } from '../config';
import { type Issue, IssueCollector, isPlainObject, type IsUnresolved, neverUnresolved } from '../issues';
import { ALLOCATOR_DEFAULTS, ALLOCATOR_FIELDS, ALLOCATOR_LIMITS } from './config';

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const MODES = ['off', 'prefer', 'require'];
const SOURCES = ['backplane', 'cloudwatch'];

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Check `allocator` (nothing to check when it is absent). */
export function validateAllocator(config: TierConfig, isUnresolved: IsUnresolved = neverUnresolved): Issue[] {
  const v = new IssueCollector(isUnresolved);
  const a: unknown = config.allocator;
  if (a === undefined || isUnresolved(a)) return v.issues;
  if (!isPlainObject(a)) {
    v.error('allocator-invalid', 'allocator', `allocator is ${show(a)}; it must be an object of settings. Fix: use {} for the defaults.`);
    return v.issues;
  }
  for (const key of Object.keys(a)) {
    if (!(ALLOCATOR_FIELDS as readonly string[]).includes(key)) {
      v.error(
        'allocator-unknown-field',
        `allocator.${key}`,
        `allocator.${key} is not an allocator setting; allowed: ${ALLOCATOR_FIELDS.join(', ')}. Fix: remove it or correct its spelling.`,
      );
    }
  }
  const L = ALLOCATOR_LIMITS;
  v.int('allocator.ticketTtlSeconds', a.ticketTtlSeconds, L.ticketTtlSeconds, 'seconds');
  v.int('allocator.retryAfterSeconds', a.retryAfterSeconds, L.retryAfterSeconds, 'seconds');
  const publish = v.effectiveInt(
    'allocator.loadPublishIntervalSeconds',
    a.loadPublishIntervalSeconds,
    L.loadPublishIntervalSeconds,
    ALLOCATOR_DEFAULTS.loadPublishIntervalSeconds,
    'seconds',
  );
  const staleOk = v.int('allocator.stalenessSeconds', a.stalenessSeconds, L.stalenessSeconds, 'seconds');
  if (v.known(a.mode) && !MODES.includes(a.mode as string)) {
    v.error(
      'allocator-mode-invalid',
      'allocator.mode',
      `allocator.mode is ${show(a.mode)}; allowed 'off', 'prefer' or 'require'. Fix: use one of them, or leave it out for 'prefer'.`,
    );
  }
  if (v.known(a.fullAtFraction) && !(typeof a.fullAtFraction === 'number' && a.fullAtFraction > 0 && a.fullAtFraction <= 1)) {
    v.error(
      'out-of-range',
      'allocator.fullAtFraction',
      `allocator.fullAtFraction is ${show(a.fullAtFraction)}; allowed a number greater than 0 and at most 1. Fix: e.g. 0.9 to call a cell full at 90 % of its capacity, or leave it out for 1.`,
    );
  }
  const hasBackplane = config.backplane !== undefined;
  let source: unknown = a.loadSource;
  if (v.known(source) && !SOURCES.includes(source as string)) {
    v.error(
      'allocator-load-source-invalid',
      'allocator.loadSource',
      `allocator.loadSource is ${show(source)}; allowed 'backplane' or 'cloudwatch'. Fix: use one of them, or leave it out (backplane when the tier has one).`,
    );
    source = undefined;
  } else if (source === 'backplane' && !hasBackplane) {
    v.error(
      'allocator-load-source-no-backplane',
      'allocator.loadSource',
      `allocator.loadSource is 'backplane' but the tier has no backplane; the servers publish their connection counts to the backplane's Redis. Fix: add backplane: {}, or use loadSource 'cloudwatch' (1–3 minutes stale).`,
    );
    source = undefined;
  } else if (source === undefined) source = hasBackplane ? 'backplane' : 'cloudwatch';
  if (staleOk && typeof a.stalenessSeconds === 'number') {
    const stale = a.stalenessSeconds;
    if (source === 'backplane' && publish !== undefined && stale < 2 * publish) {
      v.error(
        'allocator-staleness-below-publish',
        'allocator.stalenessSeconds',
        `allocator.stalenessSeconds is ${stale} s, below 2 × loadPublishIntervalSeconds (${2 * publish} s); one late publish would make every cell's load unknown. Fix: raise it to at least ${2 * publish}, or publish more often.`,
      );
    }
    if (source === 'cloudwatch' && stale < L.cloudwatchMinStalenessSeconds) {
      v.error(
        'allocator-staleness-below-publish',
        'allocator.stalenessSeconds',
        `allocator.stalenessSeconds is ${stale} s with loadSource 'cloudwatch'; the gauge has a 60-second period and arrives 1–3 minutes late, so a reading is never younger than that. Fix: use at least ${L.cloudwatchMinStalenessSeconds}, or a backplane.`,
      );
    }
  }
  if (v.known(a.subdomain)) {
    if (typeof a.subdomain !== 'string' || !DNS_LABEL.test(a.subdomain)) {
      v.error(
        'allocator-subdomain-invalid',
        'allocator.subdomain',
        `allocator.subdomain is ${show(a.subdomain)}; allowed one lowercase DNS label ([a-z0-9-], 1–63 characters, no leading or trailing hyphen). Fix: e.g. 'alloc'.`,
      );
    }
  }
  const sub = v.effective(a.subdomain, ALLOCATOR_DEFAULTS.subdomain);
  const cells = Array.isArray(config.cells) ? config.cells : [];
  if (typeof sub === 'string' && cells.some((c) => isPlainObject(c) && c.name === sub)) {
    v.error(
      'allocator-subdomain-is-cell',
      'allocator.subdomain',
      `allocator.subdomain is '${sub}', the name of a cell; '${sub}.${config.domainName}' is that cell's direct name. Fix: choose another subdomain (or rename the cell).`,
    );
  }
  const cellRecords = config.dns?.cellRecords;
  if (cellRecords === false) {
    v.error(
      'allocator-needs-cell-records',
      'dns.cellRecords',
      `dns.cellRecords is false while allocator is set; the allocator hands out each cell's direct name (<cell>.${config.domainName}). Fix: leave dns.cellRecords at true, or remove allocator.`,
    );
  }
  return v.issues;
}
