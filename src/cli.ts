import 'reflect-metadata';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { AppModule } from './app.module';
import { runBackupCommand } from './cli/backup';
import { ActiveLearningRunCommand, ModelsActivateCommand, ModelsRetrainCommand, ModelsTrainCommand, OutcomesSweepCommand } from './cli/ml.commands';
import { OcrCalibrateCommand } from './cli/ocr-calibration.commands';
import { EXIT, errorLine, failWith } from './cli/output';
import { ProjectionsListCommand, ProjectionsRebuildCommand } from './cli/projections.command';
import { ProjectionsRetryCommand, ProjectionsSkipCommand } from './cli/parked.command';
import { RetentionRunCommand, RetentionShowCommand } from './cli/privacy.commands';
import { EventsExportCommand, StreamsReadCommand, StreamsVerifyCommand } from './cli/streams.command';
import { runToken } from './cli/token';
import { UsageErrorsOnEveryCommand, usageError } from './cli/usage-errors';
import { ConfigError, loadConfig } from './config';
import { resolveEnvironment } from './env-file';
import { FEATURE_MODULES } from './features/feature-modules';
import { JsonLogger } from './infrastructure/observability/json-logger';

const COMMANDS: Provider[] = [
  ProjectionsListCommand, ProjectionsRebuildCommand, ProjectionsRetryCommand, ProjectionsSkipCommand, StreamsReadCommand, StreamsVerifyCommand, EventsExportCommand,
  ActiveLearningRunCommand, ModelsTrainCommand, ModelsActivateCommand, ModelsRetrainCommand, OutcomesSweepCommand, OcrCalibrateCommand, RetentionRunCommand, RetentionShowCommand];

/** The CLI reports a failed start itself (one JSON error line); Nest's own report would be a second line. */
class CliLogger extends JsonLogger {
  override error(message: unknown, trace?: unknown, context?: unknown): void {
    if (context === 'ExceptionHandler' || trace === 'ExceptionHandler') return;
    super.error(message, trace, context);
  }
}

@Module({})
class CliModule {
  static forRoot(config: ReturnType<typeof loadConfig>): DynamicModule {
    // The feature modules are imported again (the same instances) so commands can inject their exports.
    return { module: CliModule, imports: [AppModule.forRoot(config, { role: 'cli' }), ...FEATURE_MODULES], providers: [...COMMANDS, UsageErrorsOnEveryCommand] };
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ LOG_LEVEL: 'error', ...resolveEnvironment() });
  } catch (error) {
    if (error instanceof ConfigError) {
      errorLine('configuration', error.message);
      process.exit(EXIT.usage);
    }
    throw error;
  }
  const [command, ...rest] = process.argv.slice(2);
  // These run without the application: the token opens no store, backup/restore open the file themselves.
  if (command === 'token') return runToken(rest, config);
  if (command === 'backup' || command === 'restore') return runBackupCommand(command, rest, config);
  await CommandFactory.run(CliModule.forRoot(config), {
    logger: new CliLogger(config.logLevel),
    cliName: 'npm run cli --',
    errorHandler: usageError,
    // A store that cannot be opened must reach failWith (exit 4), not Nest's own exit 1.
    abortOnError: false,
    serviceErrorHandler: failWith,
    outputConfiguration: { outputError: () => undefined },
  });
}

main().catch(failWith);
