import { camelCaseKeys } from '../support/wire';

describe('the wire check of the e2e helpers', () => {
  it('finds camelCase keys at any depth, in arrays too', () => {
    const body = { items: [{ version: 'v1', holdout: { trainFrom: 'x' }, training_window: { daysBack: 90 } }], activeVersion: null };
    expect(camelCaseKeys('/api/v2/ml/models', body)).toEqual(['items[0].holdout.trainFrom', 'items[0].training_window.daysBack', 'activeVersion']);
  });

  it('leaves the data and metadata of audit events as stored, and checks their envelope', () => {
    const event = { event_id: 'e1', type: 'ModelTrained', data: { modelType: 'c' }, metadata: { actorId: 'a' }, recordedAt: 'now' };
    expect(camelCaseKeys('/api/v2/audit/streams/model-c/events?limit=5', { items: [event] })).toEqual(['items[0].recordedAt']);
  });

  it('holds every other answer to the contract, audit ones included', () => {
    expect(camelCaseKeys('/api/v2/audit/models/c/as-of?at=x', { cause: { evaluationId: 'e' } })).toEqual(['cause.evaluationId']);
    expect(camelCaseKeys('/api/v2/ml/models/history', { items: [{ event_id: 'e1', type: 'ModelEvaluated', data: { modelType: 'c' }, metadata: {} }] })).toEqual(['items[0].data.modelType']);
  });

  it('lets an error name a request header as HTTP writes it, and nothing else', () => {
    const error = { status_code: 400, message: 'Idempotency-Key too long', details: { fields: { 'Idempotency-Key': ['too long'], modelType: ['bad'] } } };
    expect(camelCaseKeys('/api/v2/sync/conflicts', error)).toEqual(['details.fields.modelType']);
  });
});
