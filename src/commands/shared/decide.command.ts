import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Decider } from '../../domain/shared/decider';
import { DomainEvent } from '../../domain/shared/events';
import { CommandContext } from './command-context';
import { CommandProcessor, CommandResult } from './command-processor';

/**
 * Every write goes through this one command on the CommandBus: a stream, its decider and the
 * domain command. Controllers, sagas and schedules only build it.
 */
export class Decide<S, C, E extends DomainEvent> extends Command<CommandResult<S, E>> {
  constructor(
    readonly stream: string,
    readonly decider: Decider<S, C, E>,
    readonly command: C,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(Decide)
export class DecideHandler implements ICommandHandler<Decide<unknown, unknown, DomainEvent>> {
  constructor(private readonly processor: CommandProcessor) {}

  execute(command: Decide<unknown, unknown, DomainEvent>): Promise<CommandResult<unknown, DomainEvent>> {
    return this.processor.handle(command.stream, command.decider, command.command, command.context);
  }
}
