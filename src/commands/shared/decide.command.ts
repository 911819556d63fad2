import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainEvent } from '../../domain/shared/events';
import { CommandResult, Decide } from '../../runtime/decide';
import { CommandProcessor } from './command-processor';

/** Hands every `Decide` on the CommandBus to the command processor. */
@CommandHandler(Decide)
export class DecideHandler implements ICommandHandler<Decide<unknown, unknown, DomainEvent>> {
  constructor(private readonly processor: CommandProcessor) {}

  execute(command: Decide<unknown, unknown, DomainEvent>): Promise<CommandResult<unknown, DomainEvent>> {
    return this.processor.handle(command.stream, command.decider, command.command, command.context);
  }
}
