/**
 * Constants transcribed from the wherever SIM GraphQL API reference (prose tables and documented limits).
 * Plain data, no dependencies.
 */

/** GraphQL endpoint as documented by wherever SIM ("API Endpoints"). Authenticate with the `Authorization: <token>` header. */
export const WHEREVER_GRAPHQL_ENDPOINT = 'https://graphql.api.whereversim.de/graphql';

/** SIM status ids as documented by wherever SIM ("List of possible SIM status"). */
export const SIM_STATUS = {
  1: { name: 'No Status', description: 'Status of SIM is unknown' },
  2: { name: 'Activated', description: 'SIM is activated' },
  3: { name: 'Issued', description: 'SIM is issued (delivery condition)' },
  4: { name: 'Deleted', description: 'SIM is deleted' },
  5: { name: 'Deactivated', description: 'SIM is deactivated' },
  6: {
    name: 'Test Ready',
    description: 'SIM is test ready and switches to Activated once the test data, SMS or voice volume is exceeded',
  },
  7: { name: 'Retired', description: 'SIM is retired. Cannot be activated again' },
  8: { name: 'Activation ready', description: 'SIM is ready for activation' },
  9: { name: 'Inventory', description: 'SIM is in inventory' },
  10: { name: 'Replaced', description: 'SIM is replaced' },
  11: { name: 'Activation Pendant', description: 'SIM activation is pendant' },
  12: { name: 'Suspended', description: 'SIM is suspended' },
  13: { name: 'Waiting for Activation', description: 'SIM is in transition to Activated status' },
  14: { name: 'Waiting for Deactivation', description: 'SIM is in transition to Deactivated status' },
  15: { name: 'Test Usage Exhausted', description: 'SIM is deactivated because of exhausted test usage' },
  16: { name: 'Data Usage Exhausted', description: 'SIM is deactivated because of exhausted data usage' },
  17: { name: 'Waiting for Activation Ready', description: 'SIM is in transition to Activation Ready status' },
  18: { name: 'SMS Limit exceeded', description: 'SIM is deactivated because of exceeded SMS limit' },
  19: { name: 'Voice Limit exceeded', description: 'SIM is deactivated because of exceeded voice limit' },
  20: {
    name: 'IMEI unauthorized',
    description:
      'SIM is deactivated because the IMEI of the current device does not match the one configured in the IMEI lock',
  },
} as const satisfies Record<number, { name: string; description: string }>;

export type SimStatusId = keyof typeof SIM_STATUS;

/** Convenience ids for the SIM statuses the documentation refers to by name. */
export const SIM_STATUS_ID = {
  NO_STATUS: 1,
  ACTIVATED: 2,
  ISSUED: 3,
  DELETED: 4,
  DEACTIVATED: 5,
  TEST_READY: 6,
  RETIRED: 7,
  ACTIVATION_READY: 8,
  INVENTORY: 9,
  REPLACED: 10,
  ACTIVATION_PENDANT: 11,
  SUSPENDED: 12,
  WAITING_FOR_ACTIVATION: 13,
  WAITING_FOR_DEACTIVATION: 14,
  TEST_USAGE_EXHAUSTED: 15,
  DATA_USAGE_EXHAUSTED: 16,
  WAITING_FOR_ACTIVATION_READY: 17,
  SMS_LIMIT_EXCEEDED: 18,
  VOICE_LIMIT_EXCEEDED: 19,
  IMEI_UNAUTHORIZED: 20,
} as const satisfies Record<string, SimStatusId>;

export function isSimStatusId(id: number): id is SimStatusId {
  return Object.prototype.hasOwnProperty.call(SIM_STATUS, id);
}

/** Name of a SIM status id, or `undefined` for ids the documentation does not list. */
export function simStatusName(id: number): string | undefined {
  return isSimStatusId(id) ? SIM_STATUS[id].name : undefined;
}

/** Provider / product ids as documented by wherever SIM ("List of provider ids"). */
export const PROVIDERS = {
  1: { name: 'connect+' },
  2: { name: 'tech+ pro' },
  3: { name: 'tech+' },
  4: { name: 'data+' },
  5: { name: 'link+' },
} as const satisfies Record<number, { name: string }>;

export type ProviderId = keyof typeof PROVIDERS;

export function isProviderId(id: number): id is ProviderId {
  return Object.prototype.hasOwnProperty.call(PROVIDERS, id);
}

/** Name of a provider / product id, or `undefined` for ids the documentation does not list. */
export function providerName(id: number): string | undefined {
  return isProviderId(id) ? PROVIDERS[id].name : undefined;
}

/** SIM event types as documented by wherever SIM ("List of SIM event types"); values of `SimEvent.type`. */
export const SIM_EVENT_TYPES = {
  consumption: { description: 'Consumption of data, sms or voice for the current day and month' },
  lifecycle: { description: 'Changes of the SIM status' },
  presence: { description: 'Data connection established or disconnected' },
  cancelLocation: { description: 'Cancel location send' },
  imeiLockSwitch: { description: 'IMEI lock enabled/disabled/auto-detect switch' },
  imeiUnauthorized: { description: 'SIM card has been used with an unauthorized IMEI' },
  usageNotification: { description: 'Usage notification send' },
} as const satisfies Record<string, { description: string }>;

export type SimEventType = keyof typeof SIM_EVENT_TYPES;

export function isSimEventType(type: string): type is SimEventType {
  return Object.prototype.hasOwnProperty.call(SIM_EVENT_TYPES, type);
}

/**
 * Field names of `BatchJobChanges` / `BatchErrorCounts` (note: `BatchErrorCounts` spells the status field `statusId`).
 */
export type BatchJobChangeField =
  | 'statusid'
  | 'custom_field_1'
  | 'monthly_data_limit'
  | 'monthly_sms_mo_limit'
  | 'monthly_sms_mt_limit'
  | 'monthly_voice_mo_limit'
  | 'end_customer_label'
  | 'imei_lock';

/**
 * Batch job failure codes as documented by wherever SIM ("List of batch job failure codes"); values of
 * `BatchJobSimDetailChange.errorCodes`.
 *
 * `change` is Inferred: the documentation only gives the descriptions; the change each code belongs to is derived
 * from them (1xx = custom field 1, 2xx = data limit, ... ; codes 1-4 = status).
 */
export const BATCH_JOB_FAILURE_CODES = {
  1: { change: 'statusid', description: 'StatusID has not been changed because it was set already to the desired one' },
  2: { change: 'statusid', description: 'Status could not be changed at provider' },
  3: { change: 'statusid', description: 'General error while setting SIM status' },
  4: { change: 'statusid', description: 'Status transition not allowed' },
  100: {
    change: 'custom_field_1',
    description: 'Custom field 1 has not been changed because it was already set to the desired one',
  },
  101: { change: 'custom_field_1', description: 'Error writing new custom field 1 value to database' },
  102: { change: 'custom_field_1', description: 'General error while setting custom field 1' },
  200: {
    change: 'monthly_data_limit',
    description: 'Data limit not changed because it was already set to the desired one',
  },
  201: { change: 'monthly_data_limit', description: 'General error while setting data limit' },
  300: {
    change: 'monthly_sms_mo_limit',
    description: 'SMS MO Limit not changed because it was already set to the desired one',
  },
  301: { change: 'monthly_sms_mo_limit', description: 'General error while setting SMS MO limit' },
  400: {
    change: 'monthly_sms_mt_limit',
    description: 'SMS MT Limit not changed because it was already set to the desired one',
  },
  401: { change: 'monthly_sms_mt_limit', description: 'General error while setting SMS MT limit' },
  500: {
    change: 'monthly_voice_mo_limit',
    description: 'Voice MO Limit has not changed because it was already set to the desired one',
  },
  501: { change: 'monthly_voice_mo_limit', description: 'General error while setting voice MO limit' },
  600: {
    change: 'end_customer_label',
    description: 'End customer label not been changed because it was already set to the desired one',
  },
  601: { change: 'end_customer_label', description: 'Error writing new end customer label to database' },
  602: { change: 'end_customer_label', description: 'General error while writing end customer label' },
  700: { change: 'imei_lock', description: 'IMEI lock not changed because already set to desired one' },
  701: { change: 'imei_lock', description: 'General error while writing IMEI lock' },
} as const satisfies Record<number, { change: BatchJobChangeField; description: string }>;

export type BatchJobFailureCode = keyof typeof BATCH_JOB_FAILURE_CODES;

export function isBatchJobFailureCode(code: number): code is BatchJobFailureCode {
  return Object.prototype.hasOwnProperty.call(BATCH_JOB_FAILURE_CODES, code);
}

/** Description of a batch job failure code, or `undefined` for codes the documentation does not list. */
export function batchJobFailureDescription(code: number): string | undefined {
  return isBatchJobFailureCode(code) ? BATCH_JOB_FAILURE_CODES[code].description : undefined;
}

/** `BatchJobStatus` enum values (the documentation lists them without descriptions). */
export const BATCH_JOB_STATUSES = ['PREPARING', 'RUNNING', 'CANCELLED', 'FAILED', 'COMPLETED'] as const;

/** `BatchJobSimDetailStatus` enum values (the documentation lists them without descriptions). */
export const BATCH_JOB_SIM_DETAIL_STATUSES = ['SUCCESSFUL', 'RUNNING', 'SKIPPED', 'FAILED'] as const;

/** `UserAccount.status` values ("Account status: 'InvitationSent', 'InvitationExpired', 'Disabled' or 'HasAccess'"). */
export const USER_ACCOUNT_STATUSES = ['InvitationSent', 'InvitationExpired', 'Disabled', 'HasAccess'] as const;
export type UserAccountStatus = (typeof USER_ACCOUNT_STATUSES)[number];

/** `resendUserAccountInvite` "is only allowed when the given user account is in status 'InvitationSent' or 'InvitationExpired'". */
export const USER_ACCOUNT_RESENDABLE_STATUSES = ['InvitationSent', 'InvitationExpired'] as const satisfies readonly UserAccountStatus[];

/** `UserAccount.groups` values ("Permission groups. Available: 'Administrator', 'Observer' or 'Manager'"). */
export const USER_ACCOUNT_GROUPS = ['Administrator', 'Observer', 'Manager'] as const;
export type UserAccountGroup = (typeof USER_ACCOUNT_GROUPS)[number];

/** `UserAccount.locale` values ("Defines the language of the portal (de or en)"). */
export const USER_ACCOUNT_LOCALES = ['de', 'en'] as const;
export type UserAccountLocale = (typeof USER_ACCOUNT_LOCALES)[number];

/** Values of the order inputs (SimListOrder, SimEventOrder, BatchJobDetailsOrderInput): "asc for ascending and desc for descending". */
export const ORDER_DIRECTIONS = ['asc', 'desc'] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];

/** Documented limits. */
export const LIMITS = {
  /** listSims / listSimEvents / listEndCustomerLabels / listBillingData: "The minimum is 1 the maximum is 100." */
  LIST_LIMIT_MIN: 1,
  LIST_LIMIT_MAX: 100,
  /** "The maximum size for include and exclude filter is 1000 items." */
  BATCH_JOB_ICCID_LIST_MAX: 1000,
  /** getDataConsumptionReport: "A maximum of 3 months back is possible." */
  DATA_CONSUMPTION_MAX_MONTHS_BACK: 3,
} as const;

/** Special values. */
export const SPECIAL_VALUES = {
  /** createApiKey.expiresAtMs / ApiKey.expiresAtMs: "To set unlimited validity set this parameter to -1." */
  API_KEY_UNLIMITED_EXPIRY: -1,
  /** BatchJobParametersInput limits: "Set to 0 for unlimited data." (likewise SMS MO/MT and voice MO). */
  BATCH_JOB_UNLIMITED_LIMIT: 0,
} as const;
