/** Which kind of process this is: the server runs runners and schedules, the CLI only answers. */
export const APP_ROLE = Symbol('APP_ROLE');
export type AppRole = 'server' | 'cli';
