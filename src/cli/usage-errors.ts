import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';
import { EXIT, errorLine } from './output';

/** The parts of a commander program used here (commander is nest-commander's dependency). */
interface Program {
  readonly commands: readonly Program[];
  exitOverride(handler: (error: Error) => void): unknown;
  configureOutput(output: { outputError: (text: string) => void }): unknown;
}

/** Argument-parser failures: help exits 0, anything else is bad usage (exit 2, one JSON line). */
export function usageError(error: Error): never {
  if ((error as Error & { exitCode?: number }).exitCode === 0) process.exit(0);
  errorLine('usage', error.message.replace(/^error: /, ''));
  process.exit(EXIT.usage);
}

/**
 * nest-commander sets the exit handler on the root program only, and a subcommand's own parse
 * errors (a missing argument) would exit 1 with commander's text: apply it to every command.
 */
@Injectable()
export class UsageErrorsOnEveryCommand implements OnApplicationBootstrap {
  constructor(@InjectCommander() private readonly program: Program) {}

  onApplicationBootstrap(): void {
    const apply = (command: Program) => {
      command.exitOverride(usageError);
      command.configureOutput({ outputError: () => undefined });
      command.commands.forEach(apply);
    };
    apply(this.program);
  }
}
