import { Type } from '@nestjs/common';

/** The feature modules of the flywheel; each registers its own projections, sagas and routes. */
export const FEATURE_MODULES: Type[] = [];
