/**
 * Rows the conflict model cannot be trained on: too few, a single class, unreadable features or
 * times. ml names no HTTP status; the command side answers it as 422 (UnprocessableError) with
 * this message and these details.
 */
export class TrainingInputError extends Error {
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'TrainingInputError';
  }
}
