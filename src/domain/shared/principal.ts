/** The roles a token can grant; a command's actor acts under one tenant with some of them. */
export const ROLES = ['guard', 'labeler', 'ml_engineer', 'auditor', 'ops', 'privacy_officer'] as const;
export type Role = (typeof ROLES)[number];

/** Who makes a request: the token's subject, its tenant and its roles. */
export interface Principal {
  readonly sub: string;
  readonly tenant: string;
  readonly roles: readonly Role[];
}
