/** `allocator` with every default applied, and each cell's allocation inputs (URL, state, weight, capacity). */
import { cellStateOf } from '../cell-state';
import type { TierConfig } from '../config';
import { DEFAULTS } from '../defaults';
import type { ResolvedCell } from '../resolved';
import { ALLOCATOR_DEFAULTS, type ResolvedAllocator } from './config';

/**
 * The resolved allocator, or undefined when the tier has none.
 * @param cells - the tier's resolved cells (their scaling bounds and targets, states applied)
 */
export function resolveAllocator(
  config: TierConfig,
  cells: readonly Pick<ResolvedCell, 'name' | 'autoScaling'>[],
): ResolvedAllocator | undefined {
  const a = config.allocator;
  if (a === undefined) return undefined;
  const loadSource = a.loadSource ?? (config.backplane !== undefined ? 'backplane' : 'cloudwatch');
  const publish = a.loadPublishIntervalSeconds ?? ALLOCATOR_DEFAULTS.loadPublishIntervalSeconds;
  const stalenessSeconds =
    a.stalenessSeconds ??
    (loadSource === 'backplane' ? ALLOCATOR_DEFAULTS.backplaneStalenessIntervals * publish : ALLOCATOR_DEFAULTS.cloudwatchStalenessSeconds);
  const fraction = a.fullAtFraction ?? ALLOCATOR_DEFAULTS.fullAtFraction;
  return {
    domainName: `${a.subdomain ?? ALLOCATOR_DEFAULTS.subdomain}.${config.domainName}`,
    ticketTtlSeconds: a.ticketTtlSeconds ?? ALLOCATOR_DEFAULTS.ticketTtlSeconds,
    mode: a.mode ?? ALLOCATOR_DEFAULTS.mode,
    loadSource,
    stalenessSeconds,
    loadPublishIntervalSeconds: publish,
    retryAfterSeconds: a.retryAfterSeconds ?? ALLOCATOR_DEFAULTS.retryAfterSeconds,
    cells: cells.map((cell, i) => {
      const c = config.cells[i];
      // A retired cell's bounds are 0; its capacity is then 0 too.
      const capacity = Math.floor(cell.autoScaling.maxCapacity * cell.autoScaling.scalingPolicy.targetValue * fraction);
      return {
        name: cell.name,
        url: `wss://${cell.name}.${config.domainName}/`,
        state: cellStateOf(c),
        weight: typeof c.weight === 'number' ? c.weight : DEFAULTS.cell.weight,
        capacity,
      };
    }),
  };
}
