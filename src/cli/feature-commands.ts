import { Provider } from '@nestjs/common';

/** CLI commands that drive the features (active learning, models). */
export const FEATURE_CLI_COMMANDS: Provider[] = [];
