export { idempotencyKey } from '../../http/idempotency-key';
