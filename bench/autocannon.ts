import { createRequire } from 'node:module';

/** The part of autocannon's API the benchmarks use (the package ships no types). */
export interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Histogram {
  average: number;
  p50: number;
  p99: number;
}

export interface CannonResult {
  requests: Histogram;
  latency: Histogram;
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}

export type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: Array<CannonRequest & { setupRequest?: (request: CannonRequest) => CannonRequest }>;
}) => Promise<CannonResult>;

export const autocannon = createRequire(__filename)('autocannon') as Autocannon;
