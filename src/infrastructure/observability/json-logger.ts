import { LoggerService } from '@nestjs/common';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/** Structured logs: one JSON object per line on stdout. */
export class JsonLogger implements LoggerService {
  constructor(private readonly level: LogLevel = 'info') {}

  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, context?: unknown, extra?: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg: typeof message === 'string' ? message : JSON.stringify(message) };
    if (typeof context === 'string') line.context = context;
    else if (context && typeof context === 'object') Object.assign(line, context);
    if (extra) Object.assign(line, extra);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }

  log(message: unknown, context?: unknown): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: unknown, context?: unknown): void {
    this.write('error', message, typeof context === 'string' ? context : undefined, typeof trace === 'string' ? { trace } : trace && typeof trace === 'object' ? (trace as Record<string, unknown>) : undefined);
  }
  warn(message: unknown, context?: unknown): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: unknown): void {
    this.write('debug', message, context);
  }

  /** The shape the runners log with. */
  runnerLogger(component: string) {
    return {
      log: (message: string, ctx?: Record<string, unknown>) => this.write('info', message, component, ctx),
      warn: (message: string, ctx?: Record<string, unknown>) => this.write('warn', message, component, ctx),
      error: (message: string, ctx?: Record<string, unknown>) => this.write('error', message, component, ctx),
    };
  }
}
