/** The id alphabet of `isValidId`: ids end up in stream names. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const ID_MESSAGE = (field: string) => ({ message: `${field} must be 1-128 characters of letters, digits, _ . : - (starting with a letter or digit)` });
/** A field path of a synced entity. */
export const FIELD_PATTERN = /^[A-Za-z0-9_.:/-]{1,128}$/;
/** A model type name (`conflict_predictor`). */
export const MODEL_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
/** A log position in a query string. */
export const POSITION_PATTERN = /^\d{1,16}$/;
