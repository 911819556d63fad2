import 'reflect-metadata';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CommandFactory } from 'nest-commander';
import { AppModule } from './app.module';
import { ProjectionsListCommand, ProjectionsRebuildCommand } from './cli/projections.command';
import { ProjectionsRetryCommand, ProjectionsSkipCommand } from './cli/parked.command';
import { EventsExportCommand, StreamsReadCommand, StreamsVerifyCommand } from './cli/streams.command';
import { TokenCommand } from './cli/token.command';
import { FEATURE_CLI_COMMANDS } from './cli/feature-commands';
import { ConfigError, loadConfig } from './config';
import { FEATURE_MODULES } from './features';
import { JsonLogger } from './infrastructure/observability/json-logger';

const COMMANDS: Provider[] = [TokenCommand, ProjectionsListCommand, ProjectionsRebuildCommand, ProjectionsRetryCommand, ProjectionsSkipCommand, StreamsReadCommand, StreamsVerifyCommand, EventsExportCommand, ...FEATURE_CLI_COMMANDS];

@Module({})
class CliModule {
  static forRoot(config: ReturnType<typeof loadConfig>): DynamicModule {
    // The feature modules are imported again (the same instances) so commands can inject their exports.
    return { module: CliModule, imports: [AppModule.forRoot(config, { role: 'cli' }), ...FEATURE_MODULES], providers: COMMANDS };
  }
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ LOG_LEVEL: 'error', ...process.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  await CommandFactory.run(CliModule.forRoot(config), { logger: new JsonLogger(config.logLevel), cliName: 'npm run cli --' });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
