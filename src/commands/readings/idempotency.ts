export { idempotencyKey } from '../../infrastructure/http/idempotency-key';
