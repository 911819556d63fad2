import { Upcaster } from './shared/upcasting';

/**
 * Every upcaster of the project, applied on every read path (stream reads, $all, subscriptions).
 * To change an event's shape: add its upcaster here, bump the projections that read it, rebuild.
 */
export const UPCASTERS: readonly Upcaster[] = [];
