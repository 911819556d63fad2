/** Injection tokens of infrastructure that is not itself a port. */
export const UPCASTERS = Symbol('UPCASTERS');
export const SQLITE = Symbol('SQLITE');
