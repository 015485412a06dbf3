/**
 * Endpoints and value lists transcribed from the MyPhone API reference (see SEED_NOTES.md).
 * Plain data, no dependencies.
 */

/**
 * Default API origin. The reference writes every URL as `http://api.myphone.group/...`; we default to
 * https so the password and bearer tokens never travel in clear text. Pass
 * `origin: 'http://api.myphone.group'` to use the documented scheme as is.
 */
export const MYPHONE_ORIGIN = 'https://api.myphone.group';

/** Documented: `POST {origin}/partner/login` with `{ username, password }`. */
export const MYPHONE_LOGIN_PATH = '/partner/login';

/** Documented: every GraphQL request goes to `POST {origin}/partner/graphql`. */
export const MYPHONE_GRAPHQL_PATH = '/partner/graphql';

/**
 * Not documented (the reference only shows the `refresh { token, expires }` pair in the login
 * response). Our choice: `POST {origin}/partner/refresh` with `{ "refreshToken": "<token>" }`, answered
 * like the login. Override with `refreshPath`/`refresh`, or disable with `refresh: false`.
 */
export const MYPHONE_REFRESH_PATH = '/partner/refresh';

/** The comparators the reference lists for filters ("Filters"). */
export const FILTER_COMPARATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'IN', 'NIN', 'CONTAINS', 'STARTS_WITH', 'ENDS_WITH', 'NULL'] as const;

/** How a filter joins the conditions before it ("Filters"). */
export const FILTER_OPERATORS = ['AND', 'OR'] as const;

/** Sort orders ("Sorting"). */
export const SORT_ORDERS = ['ASC', 'DESC'] as const;

/** Tariff types, the union of the two lists in the reference. */
export const TARIFF_TYPES = ['PREPAID_UNLIMITED', 'PREPAID_PACKAGE', 'POSTPAID_MINUTE', 'MARGIN_CALCULATE', 'RENEWAL_PREPAID_PACKAGE'] as const;

/** Virtual number states. */
export const DID_STATES = ['AVAILABLE_FOR_RENT', 'RENTED', 'ATTACHED'] as const;
