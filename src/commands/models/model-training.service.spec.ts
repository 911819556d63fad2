import { UnprocessableError } from '../../domain/shared/errors';
import { TrainingInputError } from '../../ml/training-input-error';
import { asUnprocessable } from './model-training.service';

describe('training refusals', () => {
  it('answers rows ml refuses as 422 with its message and details', () => {
    const error = asUnprocessable(new TrainingInputError('need at least 100 labelled syncs to train, got 20', { rows: 20, required: 100 }));
    expect(error).toBeInstanceOf(UnprocessableError);
    expect(error).toMatchObject({ kind: 'unprocessable', name: 'UnprocessableError', message: 'need at least 100 labelled syncs to train, got 20', details: { rows: 20, required: 100 } });
  });

  it('passes any other failure through', () => {
    const failure = new Error('the ML compute thread exited (code 1)');
    expect(asUnprocessable(failure)).toBe(failure);
  });
});
